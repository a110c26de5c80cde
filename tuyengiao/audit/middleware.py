from . import origin


class RequestOriginMiddleware:
    """Make the request's client address and browser available to log entries written while it runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = origin.activate(request)
        try:
            return self.get_response(request)
        finally:
            origin.deactivate(token)
