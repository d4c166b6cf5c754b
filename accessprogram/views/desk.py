"""The admin's desk: one page that leads to every staff page of a program admin's day."""

from __future__ import annotations

from django.shortcuts import render

from accessprogram.access import program_admin_required


@program_admin_required
def desk(request):
    return render(request, "accessprogram/staff/desk.html")
