from django.http import HttpResponse


def search_page(request):
    return HttpResponse("")


practice_detail = resource_detail = call_detail = compilation_detail = file_download = search_page
