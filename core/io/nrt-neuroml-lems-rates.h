/* nrt-neuroml-lems-rates.h: NeuroML gate rates given by custom LEMS ComponentTypes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Channel files often define their own rate, time-course and steady-state forms as LEMS
 * ComponentTypes (extending baseVoltageDepRate, baseVoltageDepTime or baseVoltageDepVariable)
 * and use them as <forwardRate type="Nav_alpha_h" …/>.  The reader turns such an element into
 * an NRT_RATE_LEMS rate (nrt-channel.h) that keeps the ComponentType's text verbatim; the
 * writer writes the definitions back once, unchanged, with the gates' parameters.
 */
#pragma once

#include "nrt-neuroml-private.h"
#include "nrt-channel.h"

G_BEGIN_DECLS

/* The start of the description of a ComponentType that Neurite writes for an
 * NRT_RATE_EXPRESSION rate; the expression follows. */
#define NRT_NML_EXPRESSION_DESCRIPTION "Neurite expression rate: "

/* The <ComponentType name="type"> at the top level of any document of set (main file,
 * included NeuroML and LEMS files), or NULL. */
xmlNodePtr nrt_nml_find_component_type (NrtNmlDocSet *set, const char *type);

/* A gate's rate element n (forwardRate, reverseRate, steadyState, timeCourse) whose type is
 * a ComponentType of set: 1 with *out an NRT_RATE_LEMS rate holding one reference to its
 * function (the caller owns it); 0 with error set ("FILE:LINE: …": the type cannot be
 * evaluated, a parameter is missing or malformed, a dimension is wrong); -1, error untouched,
 * when the type is not a ComponentType of the set (standard forms, or unknown names, which the
 * caller reports). */
int        nrt_nml_import_lems_rate (NrtNmlDocSet *set, xmlNodePtr n, NrtRate *out,
                                     GError **error);

G_END_DECLS
