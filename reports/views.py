from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from reports.selectors import home_summary


@login_required
def home(request):
    """Every role's landing page; later issues add each role's own panels."""
    return render(request, "reports/home.html", home_summary(request.user))
