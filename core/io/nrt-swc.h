/* nrt-swc.h: import of SWC reconstructions (NeuroMorpho.Org's standard SWC) as NEURON's Import3d
 * turns them into sections.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An SWC file lists samples "id type x y z radius parent" (µm), one a line; '#' starts a
 * comment line.  The reader follows NEURON 8.2.2's Import3d_SWC_read + Import3d_GUI
 * instantiate() exactly:
 * - samples are sorted by id and every parent id must be smaller than its child's;
 * - a section is an unbranched run of samples of one type: it ends at a branch point, at a
 *   change of type, and at a leaf;
 * - a three-sample soma that follows NeuroMorpho's rule (centre first with both others its
 *   children, equal radii, total length = diameter within 1 %) and a one-sample soma both
 *   become one cylinder along x with L = diam; a longer unbranched run of soma samples (an
 *   outline or a stack) is a section through those samples; a branched soma splits like a
 *   dendrite;
 * - a child section starts with a copy of its parent's sample (x, y, z, diameter) and hangs
 *   from the parent's 1 end, or its 0 end when the parent sample is the first of the root
 *   section; a dendrite whose parent is the soma takes its own first diameter for that copy;
 * - a dendrite leaving a one-sample (or NeuroMorpho three-sample) soma, or an interior sample
 *   of a multi-sample soma, attaches at soma(0.5); with two samples or more it starts at its
 *   own first sample (a "wire" connection, the copy is dropped), with one it starts at the
 *   soma sample; a dendrite leaving a soma sample where the soma itself branches is also a
 *   wire;
 * - a child of a dendrite's first sample when that dendrite hangs from the soma, or of a
 *   non-soma root sample, hangs from its parent section's 0 end;
 * - one-sample and zero-length two-sample non-root sections are dropped and their children
 *   moved to the dropped section's parent;
 * - names are soma[i], axon[i], dend[i], apic[i] for types 1–4, dend_N[i] for any other type
 *   N ≥ 0 and minus_N[i] for negative ones, numbered per type in file order; the model lists
 *   them by type, then number, as NEURON creates them;
 * - 3-D points are the values printed with %.8g (as instantiate() executes pt3dadd) and
 *   stored in single precision.
 * The model also gets the CellBuilder import's subsets, in type order: somatic, axonal, basal,
 * apical, dendritic_N, minus_Nset; and a geometry spec "all: d_lambda 0.1", so nseg follows
 * NEURON's lambda_f at 100 Hz along the 3-D points (Ra 35.4 Ω·cm, cm 1 µF/cm², no
 * mechanisms).
 *
 * Errors are in NRT_IO_ERROR (nrt-neuroml.h) and read "FILE:LINE: what is wrong":
 * NRT_IO_ERROR_NOT_FOUND (cannot read the file), NRT_IO_ERROR_PARSE (a line that is not seven
 * numbers, non-integer ids or types, non-finite values), NRT_IO_ERROR_INVALID (duplicate ids,
 * missing parents, cycles, parents listed after their children, several roots, negative or
 * zero radii, zero-length sections, no samples).
 */
#pragma once

#include <gio/gio.h>
#include "nrt-model.h"

G_BEGIN_DECLS

/* (transfer full) Reads SWC text into a new model named after filename (its base name without
 * extension, made a valid identifier: "c91662").  length may be -1 for a NUL-terminated text.
 * filename (may be NULL: "<string>") names the text in errors.  The model has no undo history
 * and is unmodified. */
NrtModel *nrt_swc_read_string (const char *text, gssize length, const char *filename,
                               GError **error);
/* Adds the cell of SWC text to model, as NEURON's Import3d instantiate() adds sections to a
 * session, in one undo step: the sections (whose names must all be new), the type subsets
 * (created when absent, extended otherwise) and nseg by d_lambda 0.1 unless the model's
 * CellBuilder geometry specs already decide it.  On error the model is unchanged. */
gboolean  nrt_swc_read_into_model (NrtModel *model, const char *text, gssize length,
                                   const char *filename, GError **error);
/* (transfer full) As nrt_swc_read_string() on the contents of path. */
NrtModel *nrt_swc_read_file (const char *path, GError **error);

/* Progress of an asynchronous read: fraction grows from 0 to 1 (reached just before the
 * callback).  Called in the thread-default main context of the caller of
 * nrt_swc_read_file_async(), never after its callback. */
typedef void (*NrtSwcProgressFunc) (double fraction, gpointer user_data);

/* Reads path in a worker thread (a GTask).  progress (may be NULL) is called with progress_data,
 * which must stay valid until callback has run, at most about a hundred times.  Cancelling
 * gives G_IO_ERROR_CANCELLED.  The caller's current model is never touched: the UI replaces
 * its document with the finished model (or shows the error and keeps the old one). */
void      nrt_swc_read_file_async (const char *path, GCancellable *cancellable,
                                   NrtSwcProgressFunc progress, gpointer progress_data,
                                   GAsyncReadyCallback callback, gpointer user_data);
/* (transfer full) The model, or NULL with the error of the read. */
NrtModel *nrt_swc_read_file_finish (GAsyncResult *result, GError **error);

/* Whether path names an SWC file by its extension (".swc", any case). */
gboolean  nrt_swc_is_swc_path (const char *path);

G_END_DECLS
