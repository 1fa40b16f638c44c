from django import template

from ..services.chat import chat_escape

register = template.Library()


@register.filter
def chat(value) -> str:
    """Escape text for a Slack-compatible message (its own markup, not HTML)."""
    return chat_escape(value)
