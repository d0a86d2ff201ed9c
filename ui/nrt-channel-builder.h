/* nrt-channel-builder.h: NEURON's ChannelBuilder: one window per channel of the library.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Build → Channel Builder → Density / Point (reference/neuron-gui.md §2).  The window edits
 * one channel type of the model's library (nrt-channel.h):
 *
 *   - its properties: name, kind (fixed at creation), ion, ohmic or GHK current, default
 *     gmax (or pmax) and e with units, q10 and its temperature, Allow Single Channels (point
 *     channels), and the equations NEURON shows (`ina (mA/cm2) = g_myNa * (v - ena)`,
 *     `g = gmax * m^3 * h`); the presets HH sodium and HH potassium channel; Clone Channel
 *     Type, Copy Gates From, Open Channel, Delete Channel and Text (NEURON's Text to stdout);
 *   - the gate list: every HH gate (`m' = am*(1 - m) - bm*m`) and kinetic scheme
 *     (`O: 3 states, 2 transitions`); add an HH gate, add a scheme (C ⇄ O), remove;
 *   - the HH gate editor (name, power) or the scheme canvas (NrtKsCanvas; Delete removes
 *     the selection, arrows move a state) with its state editor (name, conductance fraction
 *     with a slider, scheme power) and transition editor (type, ligand, n);
 *   - the rate editors of the selected gate or transition: how the two rates are given
 *     (α/β, inf/τ, ligand outside or inside), and per rate its form (constant, exp, linoid,
 *     sigmoid, as the slot allows) and A, k, d with units;
 *   - live plots against v from −100 to 50 mV of α and β, or of inf and τ, redrawn on every
 *     keystroke in a rate field from the text as typed; the model changes when the value is
 *     committed (Enter, focus-out).
 *
 * Every edit is one nrt_model_replace_channel() (one undo step).  A refused edit changes
 * nothing and shows the model's message next to what was edited.  The window follows the
 * model (undo, redo, edits from elsewhere) and closes itself when its channel leaves the
 * library.
 */
#pragma once

#include <adwaita.h>

#include "nrt-ks-canvas.h"
#include "nrt-number-entry.h"
#include "nrt-plot.h"
#include "nrt-window.h"

G_BEGIN_DECLS

/* The plots' voltage grid: NRT_CHB_PLOT_N points from −100 to 50 mV, 0.5 mV apart. */
#define NRT_CHB_PLOT_V0 (-100.0)
#define NRT_CHB_PLOT_DV 0.5
#define NRT_CHB_PLOT_N  301

#define NRT_TYPE_CHANNEL_BUILDER (nrt_channel_builder_get_type ())
G_DECLARE_FINAL_TYPE (NrtChannelBuilder, nrt_channel_builder, NRT, CHANNEL_BUILDER, AdwWindow)

/* (transfer none) A new channel of kind in main_window's model, as NEURON's ChannelBuilder
 * makes it: NonSpecific, ohmic, no gates, gmax 0, e 0, named "leak" (or leak0, leak1 … when
 * taken); one undo step.  The window is registered as a tool; not shown. */
GtkWindow  *nrt_channel_builder_new     (NrtWindow         *main_window,
                                         NrtChannelKind     kind);
/* (transfer none) The builder of the library channel called name: the open one, or a new
 * window on it.  NULL when there is no such channel. */
GtkWindow  *nrt_channel_builder_open    (NrtWindow         *main_window,
                                         const char        *name);

/* (transfer none) */
NrtModel         *nrt_channel_builder_get_model        (NrtChannelBuilder *self);
/* (transfer none) The channel edited, as the model holds it now; NULL once it is gone. */
const NrtChannel *nrt_channel_builder_get_channel      (NrtChannelBuilder *self);
const char       *nrt_channel_builder_get_channel_name (NrtChannelBuilder *self);

/* The last refusal shown in the window (name, ion, current form, single channels, gates,
 * canvas), or NULL when the last edit went through. */
const char *nrt_channel_builder_get_error      (NrtChannelBuilder *self);

/* ---- properties (each one undo step; FALSE with error, also shown, when refused) ---- */

/* As typed in the Name row and applied. */
gboolean    nrt_channel_builder_set_name        (NrtChannelBuilder  *self,
                                                 const char         *name,
                                                 GError            **error);
/* NonSpecific also makes the current ohmic (NEURON's rule). */
gboolean    nrt_channel_builder_set_ion         (NrtChannelBuilder  *self,
                                                 NrtIon              ion,
                                                 GError            **error);
gboolean    nrt_channel_builder_set_conductance (NrtChannelBuilder  *self,
                                                 NrtConductanceForm  form,
                                                 GError            **error);
gboolean    nrt_channel_builder_set_single      (NrtChannelBuilder  *self,
                                                 gboolean            single,
                                                 GError            **error);
/* "na" (HH sodium channel) or "k" (HH potassium channel): the preset's ion, gates and gmax,
 * renamed nahh / khh as NEURON does unless another channel has that name.  The kind stays. */
gboolean    nrt_channel_builder_apply_preset    (NrtChannelBuilder  *self,
                                                 const char         *preset,
                                                 GError            **error);

/* (transfer none) A numeric field: "gmax", "e", "q10", "q10-temperature", "power" (the HH
 * gate's), "scheme-power", "fraction" (the selected state's), and the rate editors'
 * "rate0.A", "rate0.k", "rate0.d", "rate1.A", "rate1.k", "rate1.d" (rate0 is α, inf or the
 * forward rate; rate1 β, τ or the backward rate).  NULL for another name. */
NrtNumberEntry *nrt_channel_builder_get_field   (NrtChannelBuilder  *self,
                                                 const char         *name);
/* The label of a rate editor ("am = A*x/(1 - exp(-x)), x = k*(v - d)"). */
const char *nrt_channel_builder_get_rate_formula (NrtChannelBuilder *self,
                                                  guint              slot);

/* ---- gates ---- */

/* Rows of the gate list: the HH gates, then the schemes, in KSChan order. */
guint       nrt_channel_builder_get_n_rows      (NrtChannelBuilder  *self);
/* (transfer none) "m' = am*(1 - m) - bm*m", "O: 3 states, 2 transitions". */
const char *nrt_channel_builder_get_row_text    (NrtChannelBuilder  *self,
                                                 guint               row);
void        nrt_channel_builder_select_row      (NrtChannelBuilder  *self,
                                                 guint               row);
/* The selected row, or -1. */
int         nrt_channel_builder_get_selected_row (NrtChannelBuilder *self);
/* A new HH gate (m, h, n … : α and β exponentials) or scheme (C ⇄ O), selected. */
gboolean    nrt_channel_builder_add_gate        (NrtChannelBuilder  *self,
                                                 GError            **error);
gboolean    nrt_channel_builder_add_scheme      (NrtChannelBuilder  *self,
                                                 GError            **error);
gboolean    nrt_channel_builder_remove_row      (NrtChannelBuilder  *self,
                                                 guint               row,
                                                 GError            **error);
/* Renames the selected HH gate or state. */
gboolean    nrt_channel_builder_set_item_name   (NrtChannelBuilder  *self,
                                                 const char         *name,
                                                 GError            **error);
/* How the selected gate's or transition's rates are given.  Forms the new type does not
 * allow become its defaults (inf sigmoid, τ exponential, ligand constants). */
gboolean    nrt_channel_builder_set_rate_type   (NrtChannelBuilder  *self,
                                                 NrtGateType         type,
                                                 GError            **error);
/* The rate form of slot 0 or 1, with NEURON's defaults for the new form (§2.4). */
gboolean    nrt_channel_builder_set_rate_form   (NrtChannelBuilder  *self,
                                                 guint               slot,
                                                 NrtRateForm         form,
                                                 GError            **error);
/* The selected ligand transition's ion and stoichiometry (1–4). */
/* The "Expression" form (Neurite's, not KSChan's): the rate in slot becomes text, a LEMS
 * expression in v (mV) and celsius (°C) giving /ms (α, β), ms (τ) or 1 (inf), as Enter in
 * the column's entry does.  Refused (NRT_EXPR_ERROR, shown under the column; the model keeps
 * its rate) for bad syntax, unknown names or a condition. */
gboolean    nrt_channel_builder_set_rate_expression (NrtChannelBuilder *self,
                                                     guint              slot,
                                                     const char        *text,
                                                     GError           **error);
/* The parse error shown under column slot's expression, or NULL. */
const char *nrt_channel_builder_get_rate_expression_error (NrtChannelBuilder *self,
                                                           guint              slot);
/* (transfer none) The expression entry of column slot: typing in it redraws the curves. */
GtkEditable *nrt_channel_builder_get_expression_entry (NrtChannelBuilder *self,
                                                       guint              slot);
gboolean    nrt_channel_builder_set_ligand      (NrtChannelBuilder  *self,
                                                 NrtIon              ion,
                                                 int                 stoichiometry,
                                                 GError            **error);

/* NEURON's Copy gates from: appends the gates and schemes of the library channel called
 * name (one undo step; refused when names would clash). */
gboolean    nrt_channel_builder_copy_gates_from (NrtChannelBuilder  *self,
                                                 const char         *name,
                                                 GError            **error);
/* NEURON's Clone channel type: a copy of the channel as a density mechanism or a point
 * process, named with an integer appended (myNa0), added to the library (one undo step) and
 * opened in its own builder, which is returned (transfer none).  NULL on error. */
GtkWindow  *nrt_channel_builder_clone           (NrtChannelBuilder  *self,
                                                 NrtChannelKind      kind,
                                                 GError            **error);

/* ---- the scheme canvas ---- */

/* (transfer none) */
NrtKsCanvas *nrt_channel_builder_get_canvas     (NrtChannelBuilder  *self);
void        nrt_channel_builder_set_tool        (NrtChannelBuilder  *self,
                                                 NrtKsTool           tool);
/* What the canvas's pointer gesture does with the current tool (see nrt-ks-canvas.h), in
 * canvas units.  FALSE with error when refused, FALSE without error when it hit nothing. */
gboolean    nrt_channel_builder_canvas_gesture  (NrtChannelBuilder  *self,
                                                 double              x0,
                                                 double              y0,
                                                 double              x1,
                                                 double              y1,
                                                 gboolean            is_click,
                                                 GError            **error);
/* Removes the selected state (with its transitions) or transition, as the Delete key on
 * the canvas does.  FALSE without error when nothing is selected. */
gboolean    nrt_channel_builder_delete_item     (NrtChannelBuilder  *self,
                                                 GError            **error);
/* The selected state or transition of the shown scheme. */
void        nrt_channel_builder_select_item     (NrtChannelBuilder  *self,
                                                 NrtKsItem           item,
                                                 guint               index);
NrtKsItem   nrt_channel_builder_get_item        (NrtChannelBuilder  *self,
                                                 guint              *index);

/* ---- the plots ---- */

void        nrt_channel_builder_set_show_inf_tau (NrtChannelBuilder *self,
                                                  gboolean           inf_tau);
gboolean    nrt_channel_builder_get_show_inf_tau (NrtChannelBuilder *self);
/* The plotted value of the curve called label ("am", "bm", "minf", "mtau", "aC1C2",
 * "tauC1C2") at v, a point of the grid above, read back from the plot.  NAN when no such
 * curve is shown. */
double      nrt_channel_builder_get_curve_value (NrtChannelBuilder  *self,
                                                 const char         *label,
                                                 double              v);
/* How many times the curves have been recomputed and handed to the plots. */
guint       nrt_channel_builder_get_n_replots   (NrtChannelBuilder  *self);
/* (transfer none) Plot 0 (α and β, or inf) and plot 1 (τ). */
NrtPlot    *nrt_channel_builder_get_plot        (NrtChannelBuilder  *self,
                                                 guint               index);

/* The Adjust tool (NEURON's rate editor "Adjust"; the "Adjust" toggle over the plots): the
 * plots show a square mark at v = d on each exp, linoid, sigmoid or Borg-Graham curve.
 * Dragging a mark moves d and solves A so the curve passes through the pointer (Borg-Graham:
 * vhalf, and K for τ); dragging a curve elsewhere solves k (z for a Borg-Graham inf, K for
 * τ; A for a constant).  It acts on α/β gates in the α, β view and on inf/τ gates in the
 * inf, τ view only.  The fields follow the drag; the release is one undo step; Escape
 * cancels. */
void        nrt_channel_builder_set_adjust      (NrtChannelBuilder  *self,
                                                 gboolean            adjust);
gboolean    nrt_channel_builder_get_adjust      (NrtChannelBuilder  *self);
/* Tests: a whole drag of rate rate_index (0 α/inf, 1 β/τ) from (v0 mV, y0) to (v1, y1) in
 * plotted units; it grabs the mark when v0 is d (within 1e-6 mV), the curve otherwise.  An
 * unsolvable end point keeps the last solvable one. */
gboolean    nrt_channel_builder_adjust_drag     (NrtChannelBuilder  *self,
                                                 guint               rate_index,
                                                 double              v0,
                                                 double              y0,
                                                 double              v1,
                                                 double              y1,
                                                 GError            **error);
/* The same drag in its steps, as the pointer makes it: press (on rate rate_index; at its
 * mark when v0 is d), any number of motions (the curve and the fields follow; the model
 * does not), then release (one undo step) or cancel (Escape: everything as before). */
gboolean    nrt_channel_builder_adjust_press    (NrtChannelBuilder  *self,
                                                 guint               rate_index,
                                                 double              v0,
                                                 double              y0,
                                                 GError            **error);
void        nrt_channel_builder_adjust_motion   (NrtChannelBuilder  *self,
                                                 double              v,
                                                 double              y);
gboolean    nrt_channel_builder_adjust_release  (NrtChannelBuilder  *self,
                                                 GError            **error);
void        nrt_channel_builder_adjust_cancel   (NrtChannelBuilder  *self);
/* Tests of the pointer path: a drag in widget pixels of plot (0 or 1), hit-tested as a
 * press is (a mark within 7 px, else a curve within 8 px), and where data point (v, y) is
 * drawn on plot.  The plot must have been drawn once (it places its axes then). */
gboolean    nrt_channel_builder_adjust_drag_px  (NrtChannelBuilder  *self,
                                                 guint               plot,
                                                 double              x0,
                                                 double              y0,
                                                 double              x1,
                                                 double              y1,
                                                 GError            **error);
gboolean    nrt_channel_builder_adjust_data_to_px (NrtChannelBuilder *self,
                                                   guint              plot,
                                                   double             v,
                                                   double             y,
                                                   double            *x,
                                                   double            *py);
/* TRUE between a press and its release or cancel. */
gboolean    nrt_channel_builder_get_adjusting   (NrtChannelBuilder  *self);

/* NEURON's Run box (:run-on-change, action chb.run-on-change): Init & Run the main
 * window's model after every accepted edit. */
void        nrt_channel_builder_set_run_on_change (NrtChannelBuilder *self,
                                                   gboolean           run);
gboolean    nrt_channel_builder_get_run_on_change (NrtChannelBuilder *self);

/* ---- files (the primary menu's Export NMODL…, Save Hoc File for KSChan…, Export and
 * Import NeuroML Channel…) ---- */

/* The channel as a .mod file (nrt-nmodl.h). */
gboolean    nrt_channel_builder_export_nmodl    (NrtChannelBuilder  *self,
                                                 GFile              *file,
                                                 GError            **error);
/* NEURON's "Hoc file for KSChan", q10 folded in at the model's celsius (nrt-hoc.h); refused
 * for channels with expression or LEMS rates, which KSChan cannot hold. */
gboolean    nrt_channel_builder_save_hoc        (NrtChannelBuilder  *self,
                                                 GFile              *file,
                                                 GError            **error);
/* The channel alone as a NeuroML channel file. */
gboolean    nrt_channel_builder_export_neuroml  (NrtChannelBuilder  *self,
                                                 GFile              *file,
                                                 GError            **error);
/* Adds every channel of a NeuroML file to the library in one undo step, or none of them
 * (a name already taken, an invalid channel, a read error).  first_name (nullable, transfer
 * full): the first channel added. */
gboolean    nrt_channel_builder_import_neuroml  (NrtChannelBuilder  *self,
                                                 GFile              *file,
                                                 char              **first_name,
                                                 GError            **error);

/* ---- text ---- */

/* (transfer full) nrt_channel_describe() of the channel: what chb.text shows in a dialog
 * and prints to stdout, as NEURON's Text to stdout. */
char       *nrt_channel_builder_get_text        (NrtChannelBuilder  *self);

G_END_DECLS
