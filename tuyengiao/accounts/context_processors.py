def idle_session(request):
    return {}
