/* nrt-python-export.h: the model as a plain Python script for NEURON (`from neuron import h`):
 * the cell (sections, connect, pt3d or L/diam, nseg, Ra, cm, insert, parameters, ions' e),
 * the ChannelBuilder channels, the point processes, NetStims and NetCons, and the run
 * settings, built when the script is imported; run as a script it also runs Neurite's run
 * (finitialize(v_init), then fixed steps while t < tstop − dt/2) and writes the records to a
 * CSV file, one row per step, as neurite-cli run --csv does.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "nrt-model.h"

G_BEGIN_DECLS

typedef enum {
  /* One NMODL file per channel beside the script (nrt-nmodl.h), compiled with nrnivmodl in
   * that folder; NEURON loads ./x86_64 by itself when the script runs there.  The default. */
  NRT_PYTHON_CHANNELS_NMODL,
  /* The channels built by the script as KSChans (the ChannelBuilder's hoc, run with h()),
   * their q10s folded in at the model's celsius; nothing to compile. */
  NRT_PYTHON_CHANNELS_KSCHAN,
} NrtPythonChannels;

typedef struct {
  NrtPythonChannels  channels;
  /* Neurite record expressions (nrt_sim_add_record: "soma(0.5).v", "IClamp[0].i"),
   * NULL-terminated; NULL or empty: the middle of the first root section's v. */
  const char *const *records;
} NrtPythonExportOptions;

/* (transfer full) The script; options may be NULL.  NRT_IO_ERROR_INVALID for a model without
 * sections or a record that names no section or point process; NRT_MODEL_ERROR for an
 * invalid channel (KSChan form). */
char     *nrt_python_export_write (NrtModel *model, const NrtPythonExportOptions *options,
                                   GError **error);
/* Writes the script atomically to path; with NRT_PYTHON_CHANNELS_NMODL and a channel
 * library, first <folder of path>/<channel>.mod for each channel.  The CSV of a run is
 * <path without .py>.csv unless the script is given another path as its argument.
 * NRT_IO_ERROR_WRITE when a file cannot be written. */
gboolean  nrt_python_export_write_file (NrtModel *model, const NrtPythonExportOptions *options,
                                        const char *path, GError **error);

G_END_DECLS
