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
