/* nrt-lems.h: the LEMS simulation file (neuroml.md §8): what Neurite writes of a model's run
 * settings and graphs, and the graphs it makes of a LEMS file's Displays and OutputFiles.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Graphs live in the model's view_state, the GUI's layout text (a GKeyFile): one group
 * "toolN" per open window, a graph being type=graph, kind (0 Voltage, 1 Current, 2 State, as
 * NrtGraphKind), plot (a list of recordable expressions such as "soma(0.5).v"), the view
 * x0 x1 y0 y1 (ms, and the y unit), keep-lines, width, height.  This file reads and writes
 * that format without the GUI, so a LEMS file's plots open as Graph windows.
 */
#pragma once

#include <glib.h>
#include "nrt-model.h"

G_BEGIN_DECLS

/* One graph: a LEMS Display (or OutputFile) or a Graph window. */
typedef struct {
  char      *title;   /* Display title, or NULL */
  int        kind;    /* NrtGraphKind: 0 Voltage, 1 Current, 2 State */
  GPtrArray *exprs;   /* of char*: "soma(0.5).v" */
  gboolean   has_view;
  double     x0, x1, y0, y1;  /* ms; mV for voltage graphs */
} NrtLemsGraph;

NrtLemsGraph *nrt_lems_graph_new  (const char *title, int kind);
void          nrt_lems_graph_free (NrtLemsGraph *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtLemsGraph, nrt_lems_graph_free)

/* (transfer full) The graph windows of a view_state text, of NrtLemsGraph*, in order (empty
 * for NULL or unreadable text). */
GPtrArray *nrt_lems_graphs_from_view_state (const char *view_state);
/* (transfer full) A view_state text opening these graphs (of NrtLemsGraph*), with the
 * GUI's default sizes; NULL when graphs is empty. */
char      *nrt_lems_graphs_to_view_state (GPtrArray *graphs);

/* Splits a recordable "SEC(X).VAR" into its parts (transfer full); FALSE for other forms
 * (point-process variables such as "IClamp[0].i"). */
gboolean   nrt_lems_split_expr (const char *expr, char **section, double *x, char **var);

/* What LEMS_NAME.xml says, written by nrt_lems_write_string. */
typedef struct {
  const char *sim_id;        /* Simulation id, e.g. "sim_NAME" */
  const char *network_id;    /* Simulation target */
  const char *const *includes;  /* NeuroML files, relative to the LEMS file, NULL-terminated */
  const char *output_stem;   /* OutputFile name: STEM.dat */
  double      tstop, dt;     /* ms */
  guint32     seed;
  /* Lines: per graph (of NrtLemsGraph*, exprs replaced by LEMS quantities such as
   * "pop0[0]/v", "pop0/0/cell/3/v" or "pop0[0]/biophys/membraneProperties/hh_na_soma/hh_na/m/q"),
   * the view in the Display's units (ms; mV or 1). */
  GPtrArray  *displays;
} NrtLemsSpec;

/* (transfer full) The LEMS file: Target, the core type includes, the model includes, the
 * Simulation with one Display per graph (kind 2: gate states, scale 1; else voltages, scale
 * 1mV) and one OutputFile STEM.dat (SI units) of every Line. */
char *nrt_lems_write_string (const NrtLemsSpec *spec);

/* Checks a LEMS document the way jNeuroML loads one (`jnml LEMS.xml -norun`): <Lems> root,
 * one Target naming a Simulation, Simulation length/step/target present and times, every
 * Display with id/title/timeScale/xmin/xmax/ymin/ymax and Lines with
 * id/quantity/scale/color, OutputFiles with id/fileName and OutputColumns with id/quantity,
 * ids unique where jLEMS keys children by id.  Errors "FILE:LINE: ..." with path as given. */
gboolean nrt_lems_check_file (const char *path, GError **error);

G_END_DECLS
