"""Content negotiation that answers an Accept header no renderer matches with the view's first renderer.

REST framework negotiates before it authenticates, so its 406 for such a header is rendered before it knows
who is asking; an HTML renderer (the API docs) then meets a refused token while drawing the error page and
answers 500. HTTP lets a server disregard an Accept header it cannot meet (RFC 9110, 12.5.1); the request
then goes on to authentication and its normal answer.
"""

from __future__ import annotations

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class FirstRendererWhenNoneMatches(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
