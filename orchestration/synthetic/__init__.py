"""Synthetic provider submissions: ``generate(out_dir, clients, providers, start, end, seed, error_rate)``.

Writes ``out_dir/<AGNCY>/<AGNCY>_<YYYY-MM>.csv`` (one file per provider per reporting month, ``start`` to ``end``
inclusive) in exactly the submission format (``submission-format.md``), plus the ground-truth fault manifest
``out_dir/_generator/faults.csv`` (always written; header only when ``error_rate`` is 0). Nothing else is written;
files of this run are overwritten, any other file in ``out_dir`` is left alone.

Design decisions
----------------
* **Simulate true histories, then show what each month knew.** Each person gets a life-long treatment history
  (episodes at one or more providers, interventions, sub-interventions; ``histories.py``, ``interventions.py``)
  with true dates that may lie beyond ``end``. A monthly file is a *view* of those histories at the last day of
  its month (``snapshots.py``): dates not yet reached are blank, records not yet started are absent, episodes
  discharged before the 24-month window are gone (``window.py``). Provider behaviour between extracts (late
  recording, corrections, vanishing records) is a small set of revisions on top (``revisions.py``). Every rule
  of the format holds by construction on every row, in every month, when ``error_rate`` is 0.
* **Streaming, bounded memory.** People are simulated in fixed batches of 250 (``batches.py``); a batch's rows
  are appended to the per-file buffers and the batch is dropped; buffers are flushed to the files in append mode
  every 32 MB (``writer.py``) with no file handle kept open (providers x months may be thousands). Memory does not
  grow with the number of clients: ~35 MB peak for 100,000 clients (+ ~21 MB per worker process).
* **Speed.** An episode's rows change only in months where one of its dates or revisions falls: rows are rendered
  once per such segment from pre-joined prefixes and the same string is reused for each month of the segment.
  Simulation is most of the cost, so batches run in worker processes (``workers``, default one per CPU up to 8,
  for runs of 1,000+ clients; ``fork`` start method where available, so callers need no ``__main__`` guard)
  while the parent only writes, in batch order.
* **Determinism.** All randomness comes from ``random.Random`` instances seeded from ``seed`` and a label
  (``randomness.py``: one stream per batch of people, one for geography, one per file for faults); iteration is
  over lists/sorted keys; no clock, no ``hash()``. Same arguments => byte-identical files, whatever the number of
  workers or the flush size.
* **Faults** (``faults.py``, ``fault_kinds.py``): injected at write time into a single file's row, each row
  independently with probability ``error_rate`` (geometric gaps per file), one of ``bad_code``,
  ``dates_out_of_order``, ``impossible_dob``, ``missing_required``, ``episode_conflict``, ``malformed_line``.
  Client/episode-level fields are only damaged on one-row episodes (elsewhere they would also be an episode
  conflict), so every manifest line has exactly the fault it names; ``impossible_dob`` therefore only occurs on
  one-row episodes (weighted up there, still only ~1-2% of faults) and ``episode_conflict`` only on episodes with
  >= 2 rows that keep an undamaged row. Faulted rows never contain quotes or embedded newlines.
* **Identity.** FINITIAL/SINITIAL/DOB/SEX are identical at every provider for a person (2% of people have lower
  case initials, everywhere); CLIENTID (``C`` + 5-digit batch + 4-digit number) is per provider; EPISODID (``E``
  + batch + number) is unique within a provider, MODID within an episode, SUBID within an intervention. Distinct
  people may share attributors by chance (as in real data), more often in large runs.
* **Geography** (``geography.py``): providers ``P0001``...; ``min(9, max(1, ceil(P/2)))`` regions; each provider
  based in one LA; clients live mostly in their provider's LA, sometimes elsewhere in the region, rarely ``Z00B``.
* Lines end in LF; no field ever needs quoting. The ``clients`` argument counts people; each appears in at least
  one file (their first presentation is within the first file's window, or they are still in treatment then).
  About 4 rows per client appear in each monthly file (~1.2M rows a month for 300,000 clients).
* On an error part-way (e.g. disk full) the files already written are left as they are: re-run to regenerate.
"""

from orchestration.synthetic.fault_kinds import FAULT_KINDS
from orchestration.synthetic.generator import generate
from orchestration.synthetic.summary import GenerateSummary

__all__ = ["FAULT_KINDS", "GenerateSummary", "generate"]
