"""Live blocks for intranet pages: project cards, wins, metrics, the collaboration map and more.

Each block renders live data through the viewer's permissions (the request in the block's
parent context): a members-only project never shows to someone outside it.
"""

from intranet.blocks import IntranetStreamBlock


class IntranetPageStreamBlock(IntranetStreamBlock):
    """The body of home and standard pages: the shared content blocks plus the live blocks."""
