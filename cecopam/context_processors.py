from django.conf import settings

from cecopam.roles import user_role


def navigation(request) -> dict:
    """What the base layout's menu needs: the user's role (None when anonymous; a StrEnum, so
    templates compare it with plain strings, ``role == "trainee"``) and the languages to switch
    to, each named in itself ("English" stays "English" on a Spanish page)."""
    return {"role": user_role(request.user), "language_choices": settings.LANGUAGES}
