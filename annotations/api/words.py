"""API for an editor's decision on a claim whose words changed under its verdict (annotations.words)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, words
from ..models import WordsDecision
from .claims import ClaimSerializer
from .errors import error_responses
from .permissions import IsEditor


class WordsDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=WordsDecision.Decision.choices,
        help_text="holds: the verdict applies to the new words (exports move to them); reopen: back to the reviewer",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    withdraw = serializers.BooleanField(
        required=False,
        default=False,
        help_text="With reopen: withdraw the published verdict meanwhile "
        "(default: it stays published, on the judged words)",
    )


class WordsDecisionView(APIView):
    """POST /api/v1/claims/{id}/words-decision/: the verdict still holds for the changed words, or re-open."""

    permission_classes = [IsEditor]

    @extend_schema(
        request=WordsDecisionInputSerializer,
        responses={200: ClaimSerializer, **error_responses(400, 403, 404, 409)},
        description="Editors. Decide on a claim whose `words_changed` is not null, recorded as a review "
        "transition of its verdict's annotation (who, when, the note). `holds`: exports publish the current "
        "words from now on. `reopen`: the annotation goes back to its reviewer (rejected); the published "
        "verdict stays, on the judged words, until a verdict on the current words is approved, or is "
        "withdrawn at once with `withdraw`. 409 when the claim's words have not changed.",
    )
    def post(self, request, pk: int):
        claim = get_object_or_404(selectors.claim_queryset(), pk=pk)
        serializer = WordsDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        words.decide(claim, actor=request.user, **serializer.validated_data)
        return Response(ClaimSerializer(selectors.claim_queryset().get(pk=claim.pk)).data)
