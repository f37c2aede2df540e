"""Annotations API, in the shape of the W3C Web Annotation data model.

- ``GET /api/v1/assignments/<id>/annotations/`` — the annotations of an assignment the user
  sees (``?reading=<slug>`` for one reading), threads' first annotations and replies, oldest
  first, paginated.
- ``POST /api/v1/assignments/<id>/annotations/`` — annotate: ``reading``, ``kind`` (``note``,
  ``question``, ``tag``), ``text``, ``tag``, ``visibility`` (``private`` or ``class``) and a
  ``target``: ``{"paragraph": 3, "selector": [{"type": "TextQuoteSelector", "exact": "..."},
  {"type": "TextPositionSelector", "start": 10, "end": 24}]}`` (no selector: the whole
  paragraph). The quote decides; the position only says which occurrence is meant.
- ``GET`` / ``DELETE /api/v1/annotations/<id>/`` — one annotation; deleting leaves a tombstone
  so its replies stay.
- ``POST /api/v1/annotations/<id>/replies/`` — reply (``text``).
- ``POST /api/v1/annotations/<id>/endorse/`` (``endorsed``) and ``.../hide/`` (``hidden``) —
  the class's teachers.

An annotation comes back as a W3C ``Annotation``: ``body`` (the text as a ``TextualBody`` whose
``purpose`` is ``commenting`` or ``questioning``, and the tag as one whose purpose is
``tagging``) and ``target`` (``source`` the paragraph's address, and the two selectors; a reply's
target is the annotation it answers), with Lectern's own fields beside them. Positions count
characters within the paragraph's text. ``target.state`` says whether the quote is where it was
(``exact``), was found again after the reading changed (``moved``), is on the whole paragraph
(``paragraph``) or is no longer in the reading (``orphaned``).

Who sees and does what is the pages' rule (``courseware.selectors.annotations``): another
class's annotations and another person's private notes are 404; 401 without credentials.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from courseware import permissions
from courseware.api.common import (
    HideMissingMixin,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
    errors,
    refusal,
)
from courseware.models import Annotation, AnnotationKind, AnnotationVisibility, Paragraph
from courseware.models.annotations import MAX_ANNOTATION_CHARS, MAX_QUOTE_CHARS
from courseware.selectors import annotations as selectors
from courseware.selectors.teaching import assignment_get_for
from courseware.services import annotations as services

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PURPOSE = {
    AnnotationKind.NOTE: "commenting",
    AnnotationKind.QUESTION: "questioning",
    AnnotationKind.TAG: "tagging",
}


# --- Output --------------------------------------------------------------------------------------


class AnnotationSerializer(serializers.Serializer):
    """An annotation as a W3C Web Annotation, with Lectern's fields beside it."""

    id = serializers.SerializerMethodField()
    type = serializers.SerializerMethodField()
    motivation = serializers.SerializerMethodField()
    created = serializers.DateTimeField(source="created_at")
    modified = serializers.DateTimeField(source="updated_at")
    creator = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    pk = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    reading = serializers.SerializerMethodField()
    kind = serializers.CharField()
    visibility = serializers.CharField()
    in_reply_to = serializers.IntegerField(source="parent_id", allow_null=True)
    endorsed = serializers.SerializerMethodField()
    hidden = serializers.SerializerMethodField()
    deleted = serializers.SerializerMethodField()

    def to_representation(self, instance):
        return {"@context": W3C_CONTEXT, **super().to_representation(instance)}

    def _url(self, name: str, **kwargs) -> str:
        url = reverse(name, kwargs={"version": "v1", **kwargs})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_id(self, a) -> str:
        return self._url("api-annotation", pk=a.pk)

    def get_type(self, a) -> str:
        return "Annotation"

    def get_motivation(self, a) -> str:
        return "replying" if a.parent_id else PURPOSE[a.kind]

    def get_creator(self, a) -> dict:
        return {"id": a.author_id, "type": "Person", "name": a.author.name}

    def get_reading(self, a) -> str:
        return self.context["slugs"][a.reading_id]

    def get_body(self, a) -> list[dict]:
        if a.is_deleted:
            return []
        body = []
        if a.text:
            body.append(
                {
                    "type": "TextualBody",
                    "value": a.text,
                    "format": "text/markdown",
                    "purpose": "replying" if a.parent_id else PURPOSE[a.kind],
                }
            )
        if a.tag:
            body.append({"type": "TextualBody", "value": a.tag, "purpose": "tagging"})
        return body

    def get_target(self, a) -> dict:
        if a.parent_id:
            return {"id": self._url("api-annotation", pk=a.parent_id)}
        anchor = self.context["anchors"][a.pk]
        slug = self.context["slugs"][a.reading_id]
        number = anchor.paragraph.number if anchor.paragraph else a.paragraph_number
        target = {
            "source": self.context["request"].build_absolute_uri(
                reverse("courseware:reading-detail", kwargs={"slug": slug})
            )
            + f"#p-{number}",
            "paragraph": number,
            "state": anchor.state,
        }
        if a.exact:
            quote = {
                "type": "TextQuoteSelector",
                "exact": a.exact,
                "prefix": a.prefix,
                "suffix": a.suffix,
            }
            position = {"type": "TextPositionSelector", "start": a.start, "end": a.end}
            if anchor.start is not None:
                position = {**position, "start": anchor.start, "end": anchor.end}
            target["selector"] = [quote, position]
        return target

    def get_endorsed(self, a) -> bool:
        return a.is_endorsed

    def get_hidden(self, a) -> bool:
        return a.is_hidden

    def get_deleted(self, a) -> bool:
        return a.is_deleted


def _context(request, annotations: list[Annotation]) -> dict:
    """What the serializer needs for a page of annotations, in one query: the paragraphs of their
    readings, to place each quote in the text as it is now."""
    reading_ids = {a.reading_id for a in annotations if a.parent_id is None}
    paragraphs = list(
        Paragraph.objects.filter(reading__in=reading_ids)
        .only("pk", "number", "text", "reading_id")
        .order_by("reading", "number")
    )
    by_pk = {p.pk: p for p in paragraphs}
    in_order = defaultdict(list)
    for p in paragraphs:
        in_order[p.reading_id].append(p)
    anchors = {
        a.pk: selectors.anchor(a, by_pk, in_order[a.reading_id])
        for a in annotations
        if a.parent_id is None
    }
    slugs = {a.reading_id: a.reading.slug for a in annotations}
    return {"request": request, "anchors": anchors, "slugs": slugs}


# --- Input ---------------------------------------------------------------------------------------


class SelectorSerializer(StrictSerializer):
    type = serializers.ChoiceField(choices=["TextQuoteSelector", "TextPositionSelector"])
    exact = StrictCharField(required=False, max_length=MAX_QUOTE_CHARS, trim_whitespace=False)
    prefix = StrictCharField(required=False, allow_blank=True, max_length=MAX_QUOTE_CHARS)
    suffix = StrictCharField(required=False, allow_blank=True, max_length=MAX_QUOTE_CHARS)
    start = StrictIntegerField(required=False, min_value=0, max_value=10_000_000)
    end = StrictIntegerField(required=False, min_value=0, max_value=10_000_000)


class TargetSerializer(StrictSerializer):
    paragraph = StrictIntegerField(min_value=1, max_value=10_000_000)
    selector = SelectorSerializer(many=True, required=False, max_length=2)


class AnnotationCreateSerializer(StrictSerializer):
    reading = serializers.SlugField(max_length=80)
    kind = serializers.ChoiceField(choices=AnnotationKind.choices, default=AnnotationKind.NOTE)
    text = StrictCharField(required=False, allow_blank=True, max_length=MAX_ANNOTATION_CHARS)
    tag = StrictCharField(required=False, allow_blank=True, max_length=40)
    visibility = serializers.ChoiceField(
        choices=AnnotationVisibility.choices, default=AnnotationVisibility.CLASS
    )
    target = TargetSerializer()


class ReplySerializer(StrictSerializer):
    text = StrictCharField(max_length=MAX_ANNOTATION_CHARS)


class EndorseSerializer(StrictSerializer):
    endorsed = StrictBooleanField()


class HideSerializer(StrictSerializer):
    hidden = StrictBooleanField()


# --- Views ---------------------------------------------------------------------------------------


def _one(request, annotation: Annotation) -> dict:
    return AnnotationSerializer(annotation, context=_context(request, [annotation])).data


class AssignmentAnnotationsView(HideMissingMixin, APIView):
    """The annotations of an assignment, and annotating a reading in it."""

    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[OpenApiParameter("reading", str, description="A reading's slug.")],
        responses={200: AnnotationSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request, pk: int, version=None):
        now = timezone.now()
        assignment = assignment_get_for(user=request.user, pk=pk, now=now)
        access = selectors.annotation_access(user=request.user, assignment=assignment, now=now)
        annotations = (
            selectors.visible_annotations(user=request.user, access=access)
            .select_related("author", "reading")
            .order_by("created_at", "pk")
        )
        slug = request.query_params.get("reading")
        if slug is not None:
            # Not a slug: no reading has it (and it is not sent to the database).
            annotations = annotations.filter(reading__slug=slug) if selectors.is_slug(slug) else []
        paginator = self.pagination_class()
        page = list(paginator.paginate_queryset(annotations, request, view=self))
        data = AnnotationSerializer(page, many=True, context=_context(request, page)).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request=AnnotationCreateSerializer,
        responses={201: AnnotationSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, pk: int, version=None):
        now = timezone.now()
        assignment = assignment_get_for(user=request.user, pk=pk, now=now)
        if not permissions.can_annotate(request.user, assignment):
            raise PermissionDenied("Only the class's students and teachers annotate.")
        serializer = AnnotationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reading = (
            selectors.annotatable_readings(assignment=assignment)
            .filter(slug=data["reading"])
            .first()
        )
        if reading is None:
            return Response(
                {"reading": ["This reading is not annotated in this assignment."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        exact, start = "", None
        for selector in data["target"].get("selector", []):
            if selector["type"] == "TextQuoteSelector":
                exact = selector.get("exact", "")
            else:
                start = selector.get("start")
        try:
            annotation = services.annotation_create(
                assignment=assignment,
                reading=reading,
                author=request.user,
                paragraph_number=data["target"]["paragraph"],
                kind=data["kind"],
                text=data.get("text", ""),
                tag=data.get("tag", ""),
                visibility=data["visibility"],
                exact=exact,
                start=start,
                now=now,
            )
        except ValidationError as error:
            return refusal(error)
        annotation = Annotation.objects.select_related("author", "reading").get(pk=annotation.pk)
        return Response(_one(request, annotation), status=status.HTTP_201_CREATED)


class AnnotationView(HideMissingMixin, APIView):
    """One annotation; deleting it leaves a tombstone that keeps its replies."""

    @extend_schema(responses={200: AnnotationSerializer, **errors(401, 404)})
    def get(self, request, pk: int, version=None):
        annotation, _access = selectors.annotation_get_for(
            user=request.user, pk=pk, now=timezone.now()
        )
        return Response(_one(request, annotation))

    @extend_schema(responses={204: None, **errors(401, 403, 404)})
    def delete(self, request, pk: int, version=None):
        annotation, _access = selectors.annotation_get_for(
            user=request.user, pk=pk, now=timezone.now()
        )
        if not permissions.can_delete_annotation(request.user, annotation):
            raise PermissionDenied("Only its writer or a teacher deletes an annotation.")
        services.annotation_delete(annotation=annotation, by=request.user, now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReplyView(HideMissingMixin, APIView):
    """Reply in an annotation's thread."""

    @extend_schema(
        request=ReplySerializer, responses={201: AnnotationSerializer, **errors(400, 401, 403, 404)}
    )
    def post(self, request, pk: int, version=None):
        annotation, access = selectors.annotation_get_for(
            user=request.user, pk=pk, now=timezone.now()
        )
        if not access.can_write:
            raise PermissionDenied("Only the class's students and teachers reply.")
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            reply = services.annotation_reply(
                parent=annotation,
                author=request.user,
                text=serializer.validated_data["text"],
                now=timezone.now(),
            )
        except ValidationError as error:
            return refusal(error)
        reply = Annotation.objects.select_related("author", "reading").get(pk=reply.pk)
        return Response(_one(request, reply), status=status.HTTP_201_CREATED)


class EndorseView(HideMissingMixin, APIView):
    """A teacher endorses an annotation, or takes the endorsement back."""

    @extend_schema(
        request=EndorseSerializer,
        responses={200: AnnotationSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, pk: int, version=None):
        annotation, access = selectors.annotation_get_for(
            user=request.user, pk=pk, now=timezone.now()
        )
        if not access.moderator:
            raise PermissionDenied("Teachers endorse annotations.")
        serializer = EndorseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.annotation_endorse(
                annotation=annotation,
                by=request.user,
                endorsed=serializer.validated_data["endorsed"],
                now=timezone.now(),
            )
        except ValidationError as error:
            return refusal(error)
        return Response(_one(request, annotation))


class HideView(HideMissingMixin, APIView):
    """A teacher hides an annotation (and its thread) from the class, or shows it again."""

    @extend_schema(
        request=HideSerializer, responses={200: AnnotationSerializer, **errors(400, 401, 403, 404)}
    )
    def post(self, request, pk: int, version=None):
        annotation, access = selectors.annotation_get_for(
            user=request.user, pk=pk, now=timezone.now()
        )
        if not access.moderator:
            raise PermissionDenied("Teachers hide annotations.")
        serializer = HideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.annotation_hide(
            annotation=annotation,
            by=request.user,
            hidden=serializer.validated_data["hidden"],
            now=timezone.now(),
        )
        return Response(_one(request, annotation))


urlpatterns = [
    path(
        "assignments/<int:pk>/annotations/",
        AssignmentAnnotationsView.as_view(),
        name="api-assignment-annotations",
    ),
    path("annotations/<int:pk>/", AnnotationView.as_view(), name="api-annotation"),
    path("annotations/<int:pk>/replies/", ReplyView.as_view(), name="api-annotation-replies"),
    path("annotations/<int:pk>/endorse/", EndorseView.as_view(), name="api-annotation-endorse"),
    path("annotations/<int:pk>/hide/", HideView.as_view(), name="api-annotation-hide"),
]
