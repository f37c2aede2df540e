"""Content pages: courses, units, readings, prompts, rubrics, glossary, people, timeline."""

urlpatterns: list = []
