/* nrt-neuroml.h: read and write NeuroML v2.3.1, Neurite's native file format.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "nrt-model.h"

G_BEGIN_DECLS

#define NRT_IO_ERROR (nrt_io_error_quark ())
GQuark nrt_io_error_quark (void);

typedef enum {
  NRT_IO_ERROR_NOT_FOUND,
  NRT_IO_ERROR_PARSE,        /* not well-formed XML */
  NRT_IO_ERROR_SCHEMA,       /* does not validate against the XSD */
  NRT_IO_ERROR_INVALID,      /* well-formed but wrong: bad value, dangling reference, ... */
  NRT_IO_ERROR_UNSUPPORTED,  /* valid NeuroML Neurite cannot simulate */
  NRT_IO_ERROR_WRITE,
} NrtIoError;

/* (transfer full) Reads a NeuroML file, following <include>s, into a new model.  Errors read
 * "FILE:LINE: what is wrong".  The returned model has no undo history and is unmodified.
 * A LEMS file (<Lems> root) is read through its <Include>s; its Simulation's length and step
 * become tstop and dt. */
NrtModel *nrt_neuroml_read_file (const char *path, GError **error);

/* ChannelBuilder channels on their own, as a NeuroML channel file (the NeuroML counterpart of
 * the ChannelBuilder's "Hoc file for KSChan"): each channel as an ionChannelHH or
 * ionChannelKS, exactly as in a model's file, with the exact definitions in the document's
 * Neurite annotation.  The channels must be valid and differently named.  (transfer full) */
char      *nrt_neuroml_write_channels_string (const NrtChannel *const *channels, guint n,
                                              GError **error);
/* The channels of a NeuroML file as ChannelBuilder channels, of NrtChannel* (free with
 * g_ptr_array_unref): a file written by nrt_neuroml_write_channels_string, or any file's
 * top-level ionChannel/ionChannelHH/ionChannelKS of the standard forms (hh's too, as
 * channels).  Errors as nrt_neuroml_read_file's.  (transfer full) */
GPtrArray *nrt_neuroml_read_channels (const char *path, GError **error);

/* (transfer full) The model as a NeuroML document. */
char     *nrt_neuroml_write_string (NrtModel *model, GError **error);
/* Writes atomically: a temporary file in the same folder, fsync, rename. */
gboolean  nrt_neuroml_write_file (NrtModel *model, const char *path, GError **error);

/* Validates a file against the NeuroML v2.3.1 schema and the checks NeuroML's own validators
 * make.  Returns TRUE when valid; otherwise FALSE and error holds the first problem, as
 * "FILE:LINE: what is wrong". */
gboolean  nrt_neuroml_validate_file (const char *path, GError **error);
/* As nrt_neuroml_validate_file(); *schema_skipped is set TRUE when no XSD was found (then only
 * Neurite's own checks ran).  The XSD is NEURITE_NEUROML_XSD or, failing that,
 * NRT_SHARED_DIR/neuroml/NeuroML_v2.3.1.xsd. */
gboolean  nrt_neuroml_validate_file_full (const char *path, gboolean *schema_skipped,
                                          GError **error);
/* Validates a NeuroML document held in memory against the XSD only (for tests of the writer).
 * *schema_skipped as above. */
gboolean  nrt_neuroml_validate_string (const char *xml, gboolean *schema_skipped, GError **error);

G_END_DECLS
