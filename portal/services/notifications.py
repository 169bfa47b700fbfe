"""E-mail to a citizen that there is news about an application. The mail names only the
reference and a link: the message itself may hold personal data and is read after sign-in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.adapters.db.delivery import CitizenMessage
from portal.adapters.db.models import Submission, User
from portal.services.mail import OutgoingMail


def citizen_email(session: Session, submission: Submission) -> str | None:
    user = session.get(User, submission.user_id)
    if user is not None and user.email:
        return user.email
    # People signed in without an address may have given one in the form.
    answer = (submission.answers or {}).get("email")
    return answer if isinstance(answer, str) and "@" in answer else None


def notification_mail(session: Session, submission_id: str, message_id: str,
                      portal_url: str) -> OutgoingMail | None:
    submission = session.get(Submission, submission_id)
    message = session.get(CitizenMessage, message_id) if message_id else None
    if submission is None or message is None or message.submission_id != submission_id:
        return None
    to = citizen_email(session, submission)
    if to is None:
        return None
    link = f"{portal_url.rstrip('/')}/meine-antraege/{submission.reference}"
    body = (
        "Guten Tag,\n\n"
        f"zu Ihrem Antrag {submission.reference} gibt es eine neue Nachricht der Verwaltung.\n"
        f"Sie können sie nach der Anmeldung unter „Meine Anträge“ lesen:\n{link}\n\n"
        "Bitte antworten Sie nicht auf diese E-Mail.\n\n"
        "---\n"
        "Hello,\n\n"
        f"there is a new message from the administration about your application "
        f"{submission.reference}. Please sign in and open “My applications” to read it:\n{link}\n"
    )
    return OutgoingMail(to=to, subject=f"Neue Nachricht zu Ihrem Antrag {submission.reference}",
                        body=body)
