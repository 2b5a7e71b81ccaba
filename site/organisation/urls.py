from django.urls import path

from . import map_views, views

app_name = "organisation"

urlpatterns = [
    path("people/", views.people_directory, name="people"),
    path("people/<str:username>/", views.person_detail, name="person"),
    path("departments/", views.department_list, name="departments"),
    path("collaboration/", map_views.collaboration_map_page, name="collaboration_map"),
    path("departments/<slug:slug>/", views.department_detail, name="department"),
]
