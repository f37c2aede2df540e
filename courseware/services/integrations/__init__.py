"""Writes for LTI 1.3: registering platforms, rotating keys, accepting launches, linking LMS
courses to classes, sending grades to the LMS (AGS) and syncing rosters from it (NRPS).

A launch is accepted in one transaction with the check of its ``id_token``: a refused launch
(bad signature, wrong audience, expired, replayed nonce, unknown deployment, missing state)
raises ``LaunchRefused`` and changes nothing, not even the nonce it tried to spend.

A person from an LMS is found by the platform's issuer and their ``sub`` (``LtiUser``), never by
e-mail: an e-mail address that belongs to another Lectern account is not used for the new one.

A released grade, or a quiz score, reaches the LMS through ``LtiScorePost``: the row is written in
the transaction that released or changed the grade or handed in the quiz attempt
(``courseware.signals``), a Celery task sends it once that commits, and the schedule sends
whatever is still pending or failed. Sending reads the score as it is then (for a quiz, the best
submitted attempt), so a retry or a second worker sends the same score again, which the LMS keeps
once.
"""

from courseware.services.integrations.launches import (
    LaunchOutcome,
    LaunchRefused,
    assignment_max_marks,
    launch_values_purge,
    lti_account_merge,
    lti_class_link,
    lti_deep_link_response,
    lti_launch_receive,
    lti_made_account,
)
from courseware.services.integrations.passback import (
    ScorePostFailed,
    lti_quiz_score_post_queue,
    lti_score_post_queue,
    lti_score_post_send,
    lti_score_posts_retry,
    lti_score_posts_send_due,
    score_on_scale,
)
from courseware.services.integrations.platforms import (
    key_retire,
    key_rotate,
    keys_retire,
    platform_register,
)
from courseware.services.integrations.roster import (
    RosterSyncFailed,
    RosterSyncResult,
    lti_roster_preview,
    lti_roster_sync,
)

__all__ = [
    "LaunchOutcome",
    "LaunchRefused",
    "RosterSyncFailed",
    "RosterSyncResult",
    "ScorePostFailed",
    "assignment_max_marks",
    "key_retire",
    "key_rotate",
    "keys_retire",
    "launch_values_purge",
    "lti_account_merge",
    "lti_class_link",
    "lti_deep_link_response",
    "lti_launch_receive",
    "lti_made_account",
    "lti_quiz_score_post_queue",
    "lti_roster_preview",
    "lti_roster_sync",
    "lti_score_post_queue",
    "lti_score_post_send",
    "lti_score_posts_retry",
    "lti_score_posts_send_due",
    "platform_register",
    "score_on_scale",
]
