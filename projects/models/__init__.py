"""The projects app's models, one module per part of a joint project's life."""

from .metrics import *  # noqa: F403
from .projects import *  # noqa: F403
from .retros import *  # noqa: F403
from .updates import *  # noqa: F403
from .webhooks import *  # noqa: F403
from .wins import *  # noqa: F403
