"""``cctracker serve``: the process, its dashboard, live updates, health (``status``) and demo
data.
"""
