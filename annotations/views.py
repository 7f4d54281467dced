"""Browser pages: thin views that render templates; the pages talk to the REST API."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Article


@login_required
def article_list(request):
    return render(request, "annotations/article_list.html", {"articles": Article.objects.all()[:100]})
