/* nrt-globals.h: Tools → Temperature and Ions: the model's global parameters.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NEURON keeps these as hoc globals (celsius, nai0_na_ion … cao0_ca_ion), edited from
 * Tools → Distributed Mechanisms; here they are run settings of the model
 * (NrtRunSettings.celsius, conc_i, conc_o, seed), so each edit is one undo step, is saved
 * with the model, and reaches a running simulation at its next step.
 */
#pragma once

#include <adwaita.h>

#include "nrt-number-entry.h"
#include "nrt-window.h"

G_BEGIN_DECLS

#define NRT_TYPE_GLOBALS (nrt_globals_get_type ())
G_DECLARE_FINAL_TYPE (NrtGlobals, nrt_globals, NRT, GLOBALS, AdwWindow)

/* (transfer none) Registered with nrt_window_add_tool(); not shown. */
GtkWindow      *nrt_globals_new       (NrtWindow  *main_window);

/* (transfer none) The field called name: "celsius", "nai", "nao", "ki", "ko", "cai", "cao"
 * or "seed"; NULL for any other name. */
NrtNumberEntry *nrt_globals_get_field (NrtGlobals *self,
                                       const char *name);

G_END_DECLS
