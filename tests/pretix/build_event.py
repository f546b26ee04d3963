"""Build a pretix event through pretix's own ORM; run by pretix's venv, not by the tests.

Usage: ``PRETIX_CONFIG_FILE=… python build_event.py OUT.json``. Writes what the tests need
to know (token, slugs, list id, keys, product ids, every position's secret) as JSON.
The event uses signed secrets (``pretix_sig1``); one order of each status (paid, pending,
cancelled through pretix's own cancel service, so its printed secret is revoked), one
cancelled position in a paid order, a product with variations, an add-on; names in French
and English, as an organiser translates them (an export writes them in its language).
"""

import json
import os
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")

import django

django.setup()

from django_scopes import scopes_disabled  # noqa: E402
from i18nfield.strings import LazyI18nString as T  # noqa: E402

from pretix.base.models import Event, Order, Organizer, Team  # noqa: E402
from pretix.base.services.orders import _cancel_order  # noqa: E402

UTC = UTC


def positions(order, *specs):
    made = []
    for number, (item, variation, given, family, company, parent) in enumerate(specs, start=1):
        made.append(
            order.positions.create(
                positionid=number,  # as pretix's order services number them: 1, 2, … per order
                item=item,
                variation=variation,
                price=item.default_price,
                attendee_name_parts={"_scheme": "given_family", "given_name": given, "family_name": family},
                company=company,
                addon_to=parent,
            )
        )
    return made


def order(event, code, status, email, *specs, minutes_ago=60):
    o = Order.objects.create(
        code=code,
        event=event,
        email=email,
        status=status,
        datetime=datetime.now(UTC) - timedelta(minutes=minutes_ago),
        expires=datetime.now(UTC) + timedelta(days=10),
        total=Decimal("0"),
        locale="fr",
        sales_channel=event.organizer.sales_channels.get(identifier="web"),
    )
    return o, positions(o, *specs)


@scopes_disabled()
def build(out):
    org = Organizer.objects.create(name="Cités Unies", slug="cites")
    ev = Event.objects.create(
        organizer=org,
        name="Rencontres AICT",
        slug="aict",
        date_from=datetime(2026, 7, 8, 7, 0, tzinfo=UTC),
        date_to=datetime(2026, 7, 9, 16, 0, tzinfo=UTC),
        currency="EUR",
        live=True,
    )
    ev.settings.timezone = "Europe/Paris"
    ev.settings.locale = "fr"
    ev.settings.name_scheme = "given_family"  # pretix's default for a new event ("full" for older ones)
    ev.settings.ticket_secret_generator = "pretix_sig1"
    elu = ev.items.create(
        name=T({"fr": "Élu·e — Pass 2 jours", "en": "Elected official — 2-day pass"}),
        default_price=Decimal("0"),
        admission=True,
    )
    partner = ev.items.create(
        name=T({"fr": "Partenaire", "en": "Partner"}), default_price=Decimal("50"), admission=True
    )
    d1 = partner.variations.create(value=T({"fr": "8 juillet", "en": "July 8"}))
    d2 = partner.variations.create(value=T({"fr": "9 juillet", "en": "July 9"}))
    addon_cat = ev.categories.create(name="Options", is_addon=True)
    dinner = ev.items.create(
        name=T({"fr": "Dîner", "en": "Dinner"}),
        default_price=Decimal("40"),
        category=addon_cat,
        admission=False,
    )
    elu.addons.create(addon_category=addon_cat, min_count=0, max_count=1)
    clist = ev.checkin_lists.create(name="Accueil", all_products=True, include_pending=True)
    paid, (p1,) = order(
        ev,
        "PAID1",
        Order.STATUS_PAID,
        "a@example.org",
        (elu, None, "Élodie", "de La Tour du Pin", "Ville de Lyon", None),
    )
    paid.positions.create(
        positionid=2,
        item=dinner,
        variation=None,
        price=dinner.default_price,
        addon_to=p1,
        attendee_name_parts={
            "_scheme": "given_family",
            "given_name": "Élodie",
            "family_name": "de La Tour du Pin",
        },
    )
    _, (_, _, gone) = order(
        ev,
        "PAID2",
        Order.STATUS_PAID,
        "b@example.org",
        (partner, d1, "Jean", "Martin", "AFD", None),
        (partner, d2, "Awa", "Diop", "AFD", None),
        (partner, d1, "Paul", "Durand", "AFD", None),
        minutes_ago=50,
    )
    gone.canceled = True  # one position of a paid order cancelled, the order still paid
    gone.save()
    order(
        ev,
        "PEND1",
        Order.STATUS_PENDING,
        "c@example.org",
        (partner, d2, "Chen", "Li", "", None),
        minutes_ago=40,
    )
    cancelled, (cp,) = order(
        ev,
        "CANC1",
        Order.STATUS_PAID,
        "d@example.org",
        (elu, None, "Karl", "Schmidt", "Berlin", None),
        minutes_ago=30,
    )
    printed = cp.secret
    _cancel_order(cancelled.pk, send_mail=False)
    team = Team.objects.create(organizer=org, name="Accueil", all_events=True, all_event_permissions=True)
    token = team.tokens.create(name="checkin")
    readonly = Team.objects.create(organizer=org, name="Lecture", all_events=True)
    weak = readonly.tokens.create(name="weak")
    from pretix.base.models import OrderPosition

    rows = [
        {
            "id": p.pk,
            "order": p.order.code,
            "secret": p.secret,
            "item": p.item_id,
            "variation": p.variation_id,
            "canceled": p.canceled,
            "addon_to": p.addon_to_id,
            "status": p.order.status,
            "name": p.attendee_name,
        }
        for p in OrderPosition.all.filter(order__event=ev).order_by("pk")
    ]
    data = {
        "organizer": org.slug,
        "event": ev.slug,
        "list": clist.pk,
        "list_name": clist.name,
        "token": token.token,
        "weak_token": weak.token,
        "public_key": ev.settings.ticket_secrets_pretix_sig1_pubkey,
        "items": {"elu": elu.pk, "partner": partner.pk, "dinner": dinner.pk},
        "variations": {"d1": d1.pk, "d2": d2.pk},
        "positions": rows,
        "revoked_printed": printed,
        "revoked": list(ev.revoked_secrets.values_list("secret", flat=True)),
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    build(sys.argv[1])
