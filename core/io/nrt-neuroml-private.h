/* nrt-neuroml-private.h: shared internals of the NeuroML reader, writer and validator.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>
#include "nrt-neuroml.h"

G_BEGIN_DECLS

#define NRT_NML_NS "http://www.neuroml.org/schema/neuroml2"
/* Neurite's own namespace, used only inside <annotation>. */
#define NRT_NEURITE_NS "urn:x-neurite:neuroml-annotation:1"
/* NeuroLex id of "unbranched non-overlapping cable": a NEURON section (neuroml.md §2.4). */
#define NRT_SECTION_NEUROLEX "sao864921383"

/* Physical dimensions of NeuroML quantities, each converted to Neurite's unit. */
typedef enum {
  NRT_DIM_NONE,          /* dimensionless */
  NRT_DIM_VOLTAGE,       /* mV */
  NRT_DIM_TIME,          /* ms */
  NRT_DIM_PER_TIME,      /* 1/ms */
  NRT_DIM_CONDUCTANCE,   /* µS */
  NRT_DIM_COND_DENSITY,  /* S/cm² */
  NRT_DIM_CAPACITANCE_DENSITY, /* µF/cm² */
  NRT_DIM_RESISTIVITY,   /* Ω·cm */
  NRT_DIM_CURRENT,       /* nA */
  NRT_DIM_TEMPERATURE,   /* °C */
  NRT_DIM_LENGTH,        /* µm */
  NRT_DIM_CONCENTRATION, /* mM */
  NRT_DIM_PERMEABILITY,  /* cm/s */
} NrtDimension;

/* Parses "number[spaces]unit" into Neurite units.  Every NeuroML unit of these dimensions is a
 * power of ten away from Neurite's, so the conversion shifts the decimal exponent of the text
 * before one correctly rounded strtod: "0.03 kohm_cm" gives exactly 30.  FALSE with a one-line
 * reason in *why (transfer full) on a bad number, a bad unit, NaN or Inf. */
gboolean nrt_nml_parse_quantity (const char *text, NrtDimension dim, double *value, char **why);
/* A plain xs:double / xs:float: C locale, finite. */
gboolean nrt_nml_parse_number (const char *text, double *value);
/* Shortest round-trippable text of v, C locale, exponent without '+' (neuroml.md §7). */
char    *nrt_nml_format_number (double v);
gboolean nrt_nml_is_nml_id (const char *s);

/* ---- documents, with includes followed ---- */

typedef struct {
  char      *path;  /* as opened */
  xmlDocPtr  doc;
  gboolean   is_lems;
} NrtNmlFile;

typedef struct {
  GPtrArray *files;  /* of NrtNmlFile*, the main file first, then includes in reading order */
} NrtNmlDocSet;

void          nrt_nml_doc_set_free (NrtNmlDocSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtNmlDocSet, nrt_nml_doc_set_free)
/* Loads path and, recursively, its <include href> (NeuroML) and <Include file> (LEMS) files,
 * each once.  LEMS includes of the core type files (Cells.xml, ...) that do not exist beside
 * the file are skipped, as jNeuroML resolves them from its own copy. */
NrtNmlDocSet *nrt_nml_doc_set_load (const char *path, GError **error);

/* The file a node belongs to (for messages). */
const char   *nrt_nml_doc_set_path_of (NrtNmlDocSet *set, xmlNodePtr node);

/* Sets error to "FILE:LINE: message" for node. */
void nrt_nml_set_error (GError **error, NrtIoError code, NrtNmlDocSet *set, xmlNodePtr node,
                        const char *format, ...) G_GNUC_PRINTF (5, 6);

/* Element helpers. */
gboolean   nrt_nml_is (xmlNodePtr node, const char *name);
xmlNodePtr nrt_nml_first_child (xmlNodePtr node, const char *name);
xmlNodePtr nrt_nml_next (xmlNodePtr node, const char *name);
/* (transfer full) an attribute value or NULL. */
char      *nrt_nml_get (xmlNodePtr node, const char *attr);
/* (transfer full) The element as it stands in its file, serialised without reformatting
 * (what the writer writes back for elements kept verbatim). */
char      *nrt_nml_node_dump (xmlNodePtr node);

/* The checks of neuroml.md §10 (jNeuroML's validator tests) over the whole set. */
gboolean nrt_nml_check_consistency (NrtNmlDocSet *set, GError **error);
/* XSD validation of every NeuroML document of the set.  *skipped is TRUE when no schema was
 * found (env NEURITE_NEUROML_XSD, else NRT_SHARED_DIR/neuroml/NeuroML_v2.3.1.xsd). */
gboolean nrt_nml_check_schema (NrtNmlDocSet *set, gboolean *skipped, GError **error);
/* (transfer full) the schema path in use, or NULL. */
char    *nrt_nml_find_schema (void);

/* TRUE when a verbatim foreign element belongs inside <network> (population, projection...). */
gboolean nrt_nml_foreign_is_network_child (const char *xml);

/* Builds the model from a loaded set (the reader proper). */
NrtModel *nrt_nml_build_model (NrtNmlDocSet *set, GError **error);
/* The channels of a set's main file (nrt_neuroml_read_channels).  (transfer full) */
GPtrArray *nrt_nml_read_channels (NrtNmlDocSet *set, GError **error);

G_END_DECLS
