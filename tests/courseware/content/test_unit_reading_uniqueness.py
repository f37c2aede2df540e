"""A reading (or one section of it) is set for a unit at most once, on every database."""

import pytest
from django.db import IntegrityError, transaction

from courseware.models import UnitReading
from tests.factories import ReadingFactory, UnitFactory


@pytest.mark.django_db
def test_the_whole_reading_and_each_section_are_set_at_most_once():
    unit = UnitFactory()
    section = ReadingFactory().sections.first()
    UnitReading.objects.create(unit=unit, reading=section.reading, section=None)
    UnitReading.objects.create(unit=unit, reading=section.reading, section=section)
    for duplicate_section in (None, section):
        with pytest.raises(IntegrityError), transaction.atomic():
            UnitReading.objects.create(
                unit=unit, reading=section.reading, section=duplicate_section
            )
    assert UnitReading.objects.filter(unit=unit).count() == 2
