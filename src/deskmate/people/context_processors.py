from deskmate.people.selectors import member_for_user


def current_member(request):
    return {"me": member_for_user(getattr(request, "user", None))}
