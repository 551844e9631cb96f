from cecopam.roles import Role, user_role


def navigation(request) -> dict:
    """The signed-in user's role, which the base layout's menu follows."""
    role = user_role(request.user)
    return {"role": role, "Role": Role}
