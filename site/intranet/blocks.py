"""The one StreamField vocabulary of intranet pages. Later features add their live blocks here."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section (H2)")), ("h3", _("Subsection (H3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "intranet/blocks/heading_block.html"
        description = _("A section heading that also shows in the page outline.")
        preview_value = {"text": _("How we work together"), "level": "h2"}


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "intranet/blocks/figure_block.html"
        description = _("An image with alternative text and an optional caption.")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"), max_length=600)
    attribution = blocks.CharBlock(label=_("Who said it"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "intranet/blocks/quote_block.html"
        description = _("A quotation with the name of the person who said it.")
        preview_value = {
            "text": _("We stopped arguing about whose numbers were right once we agreed on one."),
            "attribution": "Maria, Customer Support",
        }


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False, max_length=400)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(
        label=_("Or an address"),
        required=False,
        max_length=500,
        help_text=_("A path on this intranet such as /people/, or a full address."),
    )
    button_label = blocks.CharBlock(label=_("Button label"), max_length=40)

    class Meta:
        icon = "pick"
        template = "intranet/blocks/call_to_action_block.html"
        description = _("A highlighted invitation with one button.")
        preview_value = {
            "title": _("Find a colleague"),
            "text": _("Search people by name, department or what they can help with."),
            "url": "/people/",
            "button_label": _("Open the people directory"),
        }

    def clean(self, value):
        result = super().clean(value)
        if not result.get("page") and not result.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": _("Choose a page or enter an address.")}
            )
        return result


class IntranetStreamBlock(blocks.StreamBlock):
    """Content blocks shared by every intranet page type; subclass to add live blocks."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        icon="pilcrow",
        features=["bold", "italic", "link", "ol", "ul", "h3", "document-link"],
        template="intranet/blocks/paragraph_block.html",
        description=_("Text with simple formatting and links."),
        preview_value=_("<p>Common Ground is where our joint projects live.</p>"),
    )
    figure = FigureBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
