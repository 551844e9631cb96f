from cecopam.roles import user_role


def navigation(request) -> dict:
    """The signed-in user's role (None when anonymous), which the base layout's menu follows.

    A Role is a StrEnum, so templates compare it with plain strings: ``role == "trainee"``.
    """
    return {"role": user_role(request.user)}
