from django import template

register = template.Library()


@register.filter
def point_at(question, months):
    """The question's figure at a check-in: an average, or the share answering yes."""
    return question.point(int(months))
