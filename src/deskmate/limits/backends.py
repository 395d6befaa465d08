from axes.backends import AxesStandaloneBackend


class SignInLockout(AxesStandaloneBackend):
    """django-axes' lockout for sign-ins made through a request.

    A call to authenticate() without a request comes from code (a script, a test client's
    login), not from anyone typing a password into a form, so it has nothing to lock out.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
