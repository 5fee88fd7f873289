"""What users edit is declared once per model (`Model.EDITABLE`), and every edit path follows it.

The services' allow-lists are the declarations; the edit forms are built from them
(`core.forms.editable_fields`); every API request body takes declared fields only (a foreign key
may be sent as `<name>_id`), apart from the names listed here with their reason. A field added to
a form or an API schema and not declared, or declared and missing from the model, fails here —
instead of being dropped silently by an allow-list.
"""

import importlib

from django.apps import apps
from django.forms import ModelForm
from django.test import SimpleTestCase

from core.api import InputSchema

APPS = ("meetings", "network", "comparisons", "practices", "plan", "circulation", "directory", "presidencies")

# Form fields that are not the model's own columns: links the service sets after saving.
FORM_ONLY = {
    "MeetingForm": {"delegations", "organizations"},
    "AnalysisForm": {"countries"},
    "ServiceForm": set(),
}
# Declared fields a form leaves out, and why.
NOT_IN_FORM = {
    "QuestionForm": {"choices"},  # typed as one text field of the form, parsed into the list
    "ServiceForm": {"alternate_name"},  # an HSDS import's field, kept as it came
}
# What a request body takes besides declared fields: "revision" (the version the edit read) and, per
# body, actions' own words (a comment, a decision) or links the service sets apart.
EVERY_BODY = {"revision"}
API_ONLY = {
    "AcknowledgeIn": {"recipient_id"},
    "AgreementIn": {"parent_id"},  # an item's agreement, set at creation only
    "AnalysisIn": {"countries", "leads"},
    "AnalysisPatch": {"countries", "leads"},
    "AnswerIn": {"value", "confirm"},  # the value is parsed by the question's type
    "AppointmentCreate": {"person_id"},
    "ChoiceIn": {"key", "es", "en"},  # one choice of a question
    "CircularIn": {"countries", "organizations", "people", "fulfils"},
    "CircularPatch": {"countries", "organizations", "people", "fulfils"},
    "CommentIn": {"comment"},
    "CommitmentIn": {"actors", "due"},
    "DecisionIn": {"decision", "note", "rcgm_meeting_id"},
    "MeetingDelegateIn": {"country", "email", "institution", "name", "position"},
    "PersonIn": {"appointment"},
    "PlanApproveIn": {"comment"},
    "PlanLineIn": {"activity", "status", "progress", "narrative"},
    "PlanLinesIn": {"lines"},
    "PlanReopenIn": {"reason"},
    "PlanReportIn": {"country", "year"},
    "PlanReturnIn": {"comment"},
    "PlanValueIn": {"kind", "year", "value", "country", "note"},
    "RequiredCommentIn": {"comment"},
    "ReturnIn": {"comment"},
    # the service's terms and language codes, checked apart (directory.services)
    "ServicePatch": {"categories", "languages"},
    "DecisionsIn": {"decisions"},  # per-item decisions on a proposed change
    "ItemDecision": {"item", "approve", "note"},
    "KeepIn": {"commitment_id", "reason"},  # a commitment kept with the outgoing country, and why
    "StatusChangeIn": {"status", "actor", "note", "evidence_link"},
    "ValidateIn": {"comment"},
    # The consultation on a draft report: what a party says and the TS decides is its words, not a record's fields.
    "ConsultationIn": {"deadline", "includes_partners", "note_es", "note_en"},
    "PartyChoice": {"party_id"},  # the party one speaks for, when one speaks for several
    "RemarkCommentIn": {"party_id", "agreement_id", "text"},
    "RemarkObjectionIn": {"party_id", "agreement_id", "text"},
    "RemarkAmendmentIn": {"party_id", "agreement_id", "proposed_es", "proposed_en", "text"},
    "PartyPositionIn": {"party_id", "position"},
    "AmendmentAnswerIn": {"accepted", "reason"},
    "ConsultationDecisionIn": {"decision", "deadline", "note"},
}


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def declared():
    return {model: model.EDITABLE for model in apps.get_models() if hasattr(model, "EDITABLE")}


class OneDeclarationPerModelTest(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for app in APPS:
            importlib.import_module(f"{app}.forms")
            importlib.import_module(f"{app}.api")

    def test_each_declared_field_is_a_field_of_its_model(self):
        self.assertGreaterEqual(len(declared()), 22)
        for model, names in declared().items():
            self.assertEqual(len(names), len(set(names)), model)
            for name in names:
                model._meta.get_field(name)  # FieldDoesNotExist names the model and the field

    def test_each_edit_form_is_built_from_its_model_declaration(self):
        forms = [form for form in subclasses(ModelForm) if form.__module__.split(".")[0] in APPS]
        self.assertGreaterEqual(len(forms), 10)
        for form in forms:
            with self.subTest(form.__name__):
                model, fields = form._meta.model, set(form._meta.fields)
                self.assertTrue(hasattr(model, "EDITABLE"), f"{model.__name__} declares no EDITABLE")
                self.assertEqual(fields - set(model.EDITABLE), FORM_ONLY.get(form.__name__, set()))
                self.assertEqual(set(model.EDITABLE) - fields, NOT_IN_FORM.get(form.__name__, set()))

    def test_the_services_allow_lists_are_the_declarations(self):
        from circulation.services import common as circulation
        from comparisons.services import common as comparisons
        from meetings.services import common as meetings
        from network import services as network
        from practices import services as practices

        models = {model.__name__: names for model, names in declared().items()}
        self.assertEqual(meetings.MEETING_FIELDS, models["Meeting"])
        self.assertEqual(meetings.AGREEMENT_FIELDS, models["Agreement"])
        self.assertEqual(meetings.REPORT_FIELDS, models["ReportVersion"])
        self.assertEqual(meetings.COMMITMENT_FIELDS, models["Commitment"])
        self.assertEqual(network.PERSON_FIELDS, models["Person"])
        self.assertEqual(set(network.PERSON_FIELDS) - set(network.PERSON_SELF_FIELDS), {"visibility"})
        self.assertEqual(network.APPOINTMENT_FIELDS, models["Appointment"])
        self.assertEqual(network.ORGANIZATION_FIELDS, models["Organization"])
        self.assertEqual(network.BODY_FIELDS, models["Body"])
        self.assertEqual(comparisons.ANALYSIS_FIELDS, models["Analysis"])
        self.assertEqual(comparisons.SECTION_FIELDS, models["Section"])
        self.assertEqual(comparisons.QUESTION_FIELDS, models["Question"])
        self.assertEqual(comparisons.VALUE_FIELDS + comparisons.BASIS_FIELDS, models["Answer"])
        self.assertEqual(circulation.CIRCULAR_FIELDS, models["Circular"])
        self.assertEqual(set(practices.PRACTICE_FIELDS + practices.PRACTICE_M2M), set(models["Practice"]))
        self.assertEqual(set(practices.RESOURCE_FIELDS + practices.RESOURCE_M2M), set(models["Resource"]))
        self.assertEqual(practices.CALL_FIELDS, models["Call"])

    def test_every_api_body_takes_declared_fields_only(self):
        editable = {}
        for model, names in declared().items():
            editable.setdefault(model._meta.app_label, set()).update(names)
        bodies = [schema for schema in subclasses(InputSchema) if schema.__module__.split(".")[0] in APPS]
        self.assertGreaterEqual(len(bodies), 40)
        for schema in bodies:
            with self.subTest(schema.__name__):
                known = editable.get(schema.__module__.split(".")[0], set())
                taken = {
                    name.removesuffix("_id") if name.endswith("_id") and name.removesuffix("_id") in known else name
                    for name in schema.model_fields
                }
                self.assertEqual(taken - known - EVERY_BODY, API_ONLY.get(schema.__name__, set()))
