/* nrt-io-models.h: the example models of models/, built through the model API.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nrt-model.h"

typedef struct {
  const char *file;              /* "soma-hh.nml" */
  NrtModel *(*build) (void);
} NrtIoExample;

/* NULL-terminated: soma-hh, squid-axon, stylized-cell, passive-cable, plus a test-only model
 * using every feature (subsets, pt3d, mid-section branches, synapses, NetStim/NetCon). */
extern const NrtIoExample nrt_io_examples[];
NrtModel *nrt_io_build_kitchen_sink (void);

/* Upward 0 mV crossings of record (linearly interpolated, ms) over a run of the model with
 * its own tstop and dt.  (transfer full) */
GArray   *nrt_io_spike_times (NrtModel *m, const char *record);
/* NEURON's spike times for an official example, from tests/reference/nml_examples.json
 * (generate_nml_examples.py).  (transfer full) */
GArray   *nrt_io_reference_spikes (const char *name);
