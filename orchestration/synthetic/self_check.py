"""Every code the generator can write must exist in the project's seeds (checked at each run)."""

from __future__ import annotations

from orchestration.synthetic import interventions, people
from orchestration.synthetic.fault_kinds import CONFLICT_DRUGS, WRONG_TYPE_SUBINT
from orchestration.synthetic.histories import ALCOHOL_CODE, EXITS
from orchestration.synthetic.revisions import DRUG1_MISTAKES
from orchestration.synthetic.seed_codes import Reference


def check_codes(reference: Reference) -> None:
    """Raise RuntimeError if the generator would write a code the reference data lacks."""
    drugs = {*people.CODES_USED["drug"], *DRUG1_MISTAKES, *DRUG1_MISTAKES.values(), ALCOHOL_CODE, *CONFLICT_DRUGS}
    reference.check_codes("DRUG1", drugs, reference.drug_groups)
    reference.check_codes("INJSTAT", people.CODES_USED["injecting"], reference.injecting_codes)
    reference.check_codes("MHNEED/DEPANX/MHPSYTX", people.CODES_USED["yes/no"], reference.yes_no_codes)
    reference.check_codes("SEX", {"M", "F", "X"}, reference.sex_codes)
    subints = {*interventions.CODES_USED, *WRONG_TYPE_SUBINT.values()}
    reference.check_codes("SUBINT", subints, reference.sub_intervention_types)
    settings = {code for table in interventions.SETTINGS.values() for code in table.values}
    reference.check_codes("MODSET", {*settings, interventions.CUSTODY_SETTING}, reference.settings)
    reference.check_codes("MODAL", interventions.SETTINGS, reference.intervention_types)
    reference.check_codes("MODEXIT", {"A", "B", "C"}, reference.exit_codes)
    exits = {code for table in EXITS.values() for code in table.values if code != "success"}
    reference.check_codes("DISRSN", {*exits, *interventions.SUCCESS}, reference.discharge_reasons)
