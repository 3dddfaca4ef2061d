"""What the template's hooks do, as plain Python that the template's tests import.

cookiecutter runs hooks/pre_gen_project.py and hooks/post_gen_project.py; each
finds this package in the template checkout it came from and calls ``main`` of
``pre_gen`` or ``post_gen``. Everything here uses only the standard library, never
touches the network and starts no processes, and none of it is copied into a
baked project (it lives outside ``{{cookiecutter.project_slug}}/``).
"""
