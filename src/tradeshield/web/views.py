from django.http import HttpRequest, HttpResponse


def dashboard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("TradeShield")


def login_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("login")
