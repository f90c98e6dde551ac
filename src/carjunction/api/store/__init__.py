"""DynamoDB only: one module per entity. Keys live here and nowhere else.

One table, single-table style (pk, sk), TTL attribute ``expires_at``:

- member (only once its address is proven by a link): ``MEMBER#<id>`` / ``PROFILE``; gsi1 ``MEMBER`` /
  ``<created>#<id>``; ``open_reservations`` counts its unpaid reservations (capped in the order transaction)
- e-mail claim (uniqueness): ``EMAIL#<normalised address>`` / ``EMAIL``
- inquiry: ``MEMBER#<id>`` (signed in) or ``INQUIRY#<ref>`` / ``INQUIRY#<received>#<ref>``;
  gsi1 ``INQUIRY`` / ``<received>#<ref>``; gsi2 ``SENDER#<normalised address>`` / ``<received>#<ref>`` (export, erasure)
- order: ``MEMBER#<id>`` / ``ORDER#<order no>``; gsi1 ``ORDER`` / ``<created>#<order no>``
- invoice code: ``INVOICE#<code>`` / ``INVOICE`` (public facts only)
- vehicle (catalogue copy + live state): ``VEHICLE#<stock no>`` / ``VEHICLE``; gsi1 ``VEHICLE`` / ``<stock no>``;
  gsi2 ``STOCK#RESERVED`` / ``<reserved until>`` while reserved, ``STOCK#SOLD`` / ``<stock no>`` when sold
- link token: ``TOKEN#<keyed hash>`` / ``TOKEN``: purpose (sign-in, 15 min; sign-up, 48 h, holding the pending
  sign-up's details; updates, 48 h), the address it was mailed to, and member_id or details
- rate counter: ``RATE#<bucket>#<keyed hash of client>`` / ``<window start>``, expires_at = 2 windows
"""
