"""Grade passbacks per student and placement, so that a quiz (which has no submission) has one.

``student`` is filled from each existing row's submission before it becomes required; the old
key (submission, placement) becomes (placement, student), the same rows for essays since a
student has one submission per assignment.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_student(apps, schema_editor):
    LtiScorePost = apps.get_model("courseware", "LtiScorePost")
    Submission = apps.get_model("courseware", "Submission")
    LtiScorePost.objects.update(
        student=models.Subquery(
            Submission.objects.filter(pk=models.OuterRef("submission_id")).values("student_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courseware", "0013_merge_round_three"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="ltiscorepost",
            name="courseware_lti_score_post_unique",
        ),
        migrations.AddField(
            model_name="ltiscorepost",
            name="student",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="student",
            ),
        ),
        migrations.RunPython(fill_student, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="ltiscorepost",
            name="student",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="student",
            ),
        ),
        migrations.AlterField(
            model_name="ltiscorepost",
            name="submission",
            field=models.ForeignKey(
                blank=True,
                help_text="The graded essay or source analysis; empty for a quiz (its best attempt).",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="lti_score_posts",
                to="courseware.submission",
                verbose_name="submission",
            ),
        ),
        migrations.AddConstraint(
            model_name="ltiscorepost",
            constraint=models.UniqueConstraint(
                fields=("link", "student"), name="courseware_lti_score_post_one_per_student"
            ),
        ),
    ]
