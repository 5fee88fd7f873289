"""Django's JSON serialization with date-times to the microsecond.

The stock encoder cuts date-times to the millisecond, so a backup would give back a slightly
different instant than the one stored. Registered as the "exactjson" format
(SERIALIZATION_MODULES); its files are ordinary JSON fixtures that the stock loader reads too.
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder


__all__ = ["Deserializer", "Serializer"]
