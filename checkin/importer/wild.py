"""The report's lines for what exports in the wild bring: dates kept as written, add-ons
attached to their people."""

from __future__ import annotations

from typing import Any

from checkin.base.i18n import _


def lines(summary: Any) -> list[str]:
    out: list[str] = []
    if summary.unread_dates:
        out.append(
            _(
                "{n} dates d'inscription illisibles, gardées telles quelles (par exemple « {value} ») : "
                "les inscriptions sont importées",
                n=summary.unread_dates,
                value=summary.unread_date,
            )
        )
    if summary.addons:
        out.append(_("Options rattachées à leur titulaire (pas des personnes) :"))
        for product, n in sorted(summary.addons.items(), key=lambda item: (-item[1], item[0])):
            out.append(f"  {n:>5}  {product}")
    return out
