/* nrt-ks-canvas.c: the ChannelBuilder's kinetic-scheme canvas.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawn with cairo in snapshot(); picking and the arrows' geometry share one function, so a
 * click lands on what is drawn.
 */
#include "nrt-ui-config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>

#include "nrt-ks-canvas.h"

#define BOX_W 46.0   /* a state's box, canvas units */
#define BOX_H 30.0
#define PICK_REACH 8.0

struct _NrtKsCanvas
{
  GtkWidget    parent_instance;

  NrtKsTool    tool;
  NrtKsItem    sel_item;
  guint        sel_index;

  /* A private copy of what is drawn. */
  GPtrArray   *names;       /* of char*, per state */
  GArray      *fractions;   /* of double */
  GArray      *px, *py;     /* of double: display positions, canvas units */
  GArray      *trans;       /* of NrtKsTransition (rates unused) */

  /* The canvas point shown at the widget's centre: the picture stays centred as the widget
   * resizes, and an edit does not move it (widget = canvas + offset, offset from this). */
  double       view_cx, view_cy;
  double       ox, oy;
  gboolean     need_center;

  /* the gesture in progress */
  gboolean     dragging;
  double       x0, y0, x1, y1;  /* canvas units */
  int          drag_state;      /* state under the press, or -1 */
  guint        n_draws;
};

enum {
  SIGNAL_GESTURE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (NrtKsCanvas, nrt_ks_canvas, GTK_TYPE_WIDGET)

static guint
n_states (NrtKsCanvas *self)
{
  return self->names->len;
}

static double
state_x (NrtKsCanvas *self, guint i)
{
  return g_array_index (self->px, double, i);
}

static double
state_y (NrtKsCanvas *self, guint i)
{
  return g_array_index (self->py, double, i);
}

char *
nrt_ks_transition_label (const NrtKsTransition *tr)
{
  g_return_val_if_fail (tr != NULL, NULL);
  if (tr->type == NRT_TRANS_LIGAND_INSIDE || tr->type == NRT_TRANS_LIGAND_OUTSIDE)
    {
      const char *conc = nrt_ks_transition_ligand_name (tr);
      if (tr->stoichiometry > 1)
        return g_strdup_printf ("%d%s", tr->stoichiometry, conc);
      return g_strdup (conc);
    }
  return g_strdup ("v");
}

/* The visible part of the segment between the boxes of states a and b: from the edge of a's
 * box to the edge of b's, so arrowheads touch the boxes. */
static gboolean
arrow_ends (NrtKsCanvas *self, guint a, guint b, double *ax, double *ay, double *bx,
            double *by)
{
  double x0 = state_x (self, a), y0 = state_y (self, a);
  double x1 = state_x (self, b), y1 = state_y (self, b);
  double dx = x1 - x0, dy = y1 - y0, len = hypot (dx, dy);
  double t0, t1, tx, ty;

  if (len < 1e-9)
    return FALSE;
  /* Fraction of the centre-to-centre segment inside one box (half sizes + a gap). */
  tx = fabs (dx) > 1e-9 ? (BOX_W / 2 + 4) / fabs (dx) : INFINITY;
  ty = fabs (dy) > 1e-9 ? (BOX_H / 2 + 4) / fabs (dy) : INFINITY;
  t0 = MIN (tx, ty);
  t1 = 1.0 - t0;
  if (t1 <= t0)
    t0 = t1 = 0.5;
  *ax = x0 + t0 * dx, *ay = y0 + t0 * dy;
  *bx = x0 + t1 * dx, *by = y0 + t1 * dy;
  return TRUE;
}

gboolean
nrt_ks_canvas_get_state_center (NrtKsCanvas *self, guint state, double *x, double *y)
{
  g_return_val_if_fail (NRT_IS_KS_CANVAS (self), FALSE);
  if (state >= n_states (self))
    return FALSE;
  *x = state_x (self, state);
  *y = state_y (self, state);
  return TRUE;
}

gboolean
nrt_ks_canvas_get_transition_center (NrtKsCanvas *self, guint transition, double *x,
                                     double *y)
{
  const NrtKsTransition *tr;

  g_return_val_if_fail (NRT_IS_KS_CANVAS (self), FALSE);
  if (transition >= self->trans->len)
    return FALSE;
  tr = &g_array_index (self->trans, NrtKsTransition, transition);
  if (tr->from >= n_states (self) || tr->to >= n_states (self))
    return FALSE;
  *x = (state_x (self, tr->from) + state_x (self, tr->to)) / 2;
  *y = (state_y (self, tr->from) + state_y (self, tr->to)) / 2;
  return TRUE;
}

static double
distance_to_segment (double px, double py, double ax, double ay, double bx, double by)
{
  double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy, t;

  t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
  t = CLAMP (t, 0.0, 1.0);
  return hypot (px - (ax + t * dx), py - (ay + t * dy));
}

NrtKsItem
nrt_ks_canvas_pick (NrtKsCanvas *self, double x, double y, guint *index)
{
  double best = PICK_REACH;
  NrtKsItem item = NRT_KS_ITEM_NONE;

  g_return_val_if_fail (NRT_IS_KS_CANVAS (self), NRT_KS_ITEM_NONE);
  for (guint i = n_states (self); i-- > 0;)
    if (fabs (x - state_x (self, i)) <= BOX_W / 2 && fabs (y - state_y (self, i)) <= BOX_H / 2)
      {
        if (index != NULL)
          *index = i;
        return NRT_KS_ITEM_STATE;
      }
  for (guint t = 0; t < self->trans->len; t++)
    {
      const NrtKsTransition *tr = &g_array_index (self->trans, NrtKsTransition, t);
      double ax, ay, bx, by, d, cx, cy;
      if (!arrow_ends (self, tr->from, tr->to, &ax, &ay, &bx, &by))
        continue;
      d = distance_to_segment (x, y, ax, ay, bx, by);
      /* The label above the middle counts as the arrow too. */
      nrt_ks_canvas_get_transition_center (self, t, &cx, &cy);
      if (fabs (x - cx) <= 16 && y <= cy && y >= cy - 20)
        d = MIN (d, 0.0);
      if (d <= best)
        {
          best = d;
          item = NRT_KS_ITEM_TRANSITION;
          if (index != NULL)
            *index = t;
        }
    }
  return item;
}

static void
update_offset (NrtKsCanvas *self)
{
  self->ox = round (gtk_widget_get_width (GTK_WIDGET (self)) / 2.0 - self->view_cx);
  self->oy = round (gtk_widget_get_height (GTK_WIDGET (self)) / 2.0 - self->view_cy);
}

void
nrt_ks_canvas_widget_to_canvas (NrtKsCanvas *self, double wx, double wy, double *x, double *y)
{
  g_return_if_fail (NRT_IS_KS_CANVAS (self));
  update_offset (self);
  *x = wx - self->ox;
  *y = wy - self->oy;
}

static void
recenter (NrtKsCanvas *self)
{
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;

  self->need_center = FALSE;
  if (n_states (self) == 0)
    {
      self->view_cx = self->view_cy = 0;
      return;
    }
  for (guint i = 0; i < n_states (self); i++)
    {
      xmin = MIN (xmin, state_x (self, i));
      xmax = MAX (xmax, state_x (self, i));
      ymin = MIN (ymin, state_y (self, i));
      ymax = MAX (ymax, state_y (self, i));
    }
  self->view_cx = (xmin + xmax) / 2;
  self->view_cy = (ymin + ymax) / 2;
}

/* Whether every state's box is inside the widget with the current offset. */
static gboolean
fits (NrtKsCanvas *self, double w, double h)
{
  for (guint i = 0; i < n_states (self); i++)
    {
      double x = state_x (self, i) + self->ox, y = state_y (self, i) + self->oy;
      if (x - BOX_W / 2 < 2 || x + BOX_W / 2 > w - 2 || y - BOX_H / 2 - 20 < 0
          || y + BOX_H / 2 > h - 2)
        return FALSE;
    }
  return TRUE;
}

/* ---- the scheme ------------------------------------------------------------------- */

void
nrt_ks_canvas_set_scheme (NrtKsCanvas *self, const NrtKsScheme *scheme, gboolean center)
{
  gboolean distinct = TRUE;
  guint before;

  g_return_if_fail (NRT_IS_KS_CANVAS (self));
  before = n_states (self);
  g_ptr_array_set_size (self->names, 0);
  g_array_set_size (self->fractions, 0);
  g_array_set_size (self->px, 0);
  g_array_set_size (self->py, 0);
  g_array_set_size (self->trans, 0);
  if (scheme != NULL)
    {
      for (guint i = 0; i < scheme->states->len; i++)
        {
          const NrtKsState *st = scheme->states->pdata[i];
          g_ptr_array_add (self->names, g_strdup (st->name));
          g_array_append_val (self->fractions, st->fraction);
          g_array_append_val (self->px, st->x);
          g_array_append_val (self->py, st->y);
          for (guint j = 0; j < i; j++)
            {
              const NrtKsState *o = scheme->states->pdata[j];
              if (fabs (o->x - st->x) < BOX_W && fabs (o->y - st->y) < BOX_H)
                distinct = FALSE;
            }
        }
      /* Schemes read from files may have no layout (every state at 0, 0): show them in a
       * row; the first move writes these positions to the model. */
      if (!distinct)
        for (guint i = 0; i < n_states (self); i++)
          {
            g_array_index (self->px, double, i) = 60 + 120 * i;
            g_array_index (self->py, double, i) = 60;
          }
      g_array_append_vals (self->trans, scheme->transitions->data, scheme->transitions->len);
    }
  if ((self->sel_item == NRT_KS_ITEM_STATE && self->sel_index >= n_states (self))
      || (self->sel_item == NRT_KS_ITEM_TRANSITION && self->sel_index >= self->trans->len))
    self->sel_item = NRT_KS_ITEM_NONE;
  /* A state gone leaves the rest off-centre: centre again (a new one stays where dropped). */
  if (center || n_states (self) < before)
    {
      self->need_center = TRUE;
      recenter (self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_ks_canvas_set_tool (NrtKsCanvas *self, NrtKsTool tool)
{
  static const char *const cursors[] = {
    [NRT_KS_TOOL_SELECT] = "default",
    [NRT_KS_TOOL_ADD_OPEN] = "copy",
    [NRT_KS_TOOL_ADD_CLOSED] = "copy",
    [NRT_KS_TOOL_CONNECT] = "crosshair",
    [NRT_KS_TOOL_DELETE] = "pointer",
  };

  g_return_if_fail (NRT_IS_KS_CANVAS (self));
  g_return_if_fail (tool <= NRT_KS_TOOL_DELETE);
  self->tool = tool;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), cursors[tool]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

NrtKsTool
nrt_ks_canvas_get_tool (NrtKsCanvas *self)
{
  g_return_val_if_fail (NRT_IS_KS_CANVAS (self), NRT_KS_TOOL_SELECT);
  return self->tool;
}

void
nrt_ks_canvas_set_selection (NrtKsCanvas *self, NrtKsItem item, guint index)
{
  g_return_if_fail (NRT_IS_KS_CANVAS (self));
  self->sel_item = item;
  self->sel_index = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

NrtKsItem
nrt_ks_canvas_get_selection (NrtKsCanvas *self, guint *index)
{
  g_return_val_if_fail (NRT_IS_KS_CANVAS (self), NRT_KS_ITEM_NONE);
  if (index != NULL)
    *index = self->sel_index;
  return self->sel_item;
}

guint
nrt_ks_canvas_get_n_draws (NrtKsCanvas *self)
{
  g_return_val_if_fail (NRT_IS_KS_CANVAS (self), 0);
  return self->n_draws;
}

/* ---- gestures --------------------------------------------------------------------- */

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, NrtKsCanvas *self)
{
  guint i;

  self->dragging = TRUE;
  nrt_ks_canvas_widget_to_canvas (self, x, y, &self->x0, &self->y0);
  self->x1 = self->x0, self->y1 = self->y0;
  self->drag_state = nrt_ks_canvas_pick (self, self->x0, self->y0, &i) == NRT_KS_ITEM_STATE
                     ? (int) i : -1;
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, NrtKsCanvas *self)
{
  double sx, sy;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  nrt_ks_canvas_widget_to_canvas (self, sx + dx, sy + dy, &self->x1, &self->y1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture, double dx, double dy, NrtKsCanvas *self)
{
  gboolean is_click = hypot (dx, dy) < 4;
  double x0 = self->x0, y0 = self->y0, x1 = self->x1, y1 = self->y1;

  self->dragging = FALSE;
  self->drag_state = -1;
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_GESTURE], 0, x0, y0, is_click ? x0 : x1,
                 is_click ? y0 : y1, is_click);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_unref (self);
}

/* ---- drawing ---------------------------------------------------------------------- */

static void
set_rgba (cairo_t *cr, const GdkRGBA *c, double alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

static void
rounded_box (cairo_t *cr, double cx, double cy, double w, double h, double r)
{
  double x = cx - w / 2, y = cy - h / 2;

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
arrow_head (cairo_t *cr, double tipx, double tipy, double fromx, double fromy)
{
  double a = atan2 (tipy - fromy, tipx - fromx), l = 9, w = 0.45;

  cairo_move_to (cr, tipx, tipy);
  cairo_line_to (cr, tipx - l * cos (a - w), tipy - l * sin (a - w));
  cairo_line_to (cr, tipx - l * cos (a + w), tipy - l * sin (a + w));
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
draw_text (cairo_t *cr, PangoLayout *layout, const char *text, double cx, double cy,
           double yalign)
{
  int tw, th;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_move_to (cr, cx - tw / 2.0, cy - th * yalign);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_arrow (cairo_t *cr, double ax, double ay, double bx, double by)
{
  double a = atan2 (by - ay, bx - ax), inset = 7;

  cairo_move_to (cr, ax + inset * cos (a), ay + inset * sin (a));
  cairo_line_to (cr, bx - inset * cos (a), by - inset * sin (a));
  cairo_stroke (cr);
  arrow_head (cr, bx, by, ax, ay);
  arrow_head (cr, ax, ay, bx, by);
}

static void
nrt_ks_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  NrtKsCanvas *self = NRT_KS_CANVAS (widget);
  GtkStyleContext *ctx = gtk_widget_get_style_context (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  GdkRGBA fg, accent, open_bg;
  cairo_t *cr;
  int hover = -1;
  guint hi;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (ctx, &fg);
  if (!gtk_style_context_lookup_color (ctx, "accent_color", &accent))
    accent = (GdkRGBA) { 0.21f, 0.52f, 0.89f, 1.0f };
  if (!gtk_style_context_lookup_color (ctx, "success_color", &open_bg))
    open_bg = (GdkRGBA) { 0.15f, 0.64f, 0.41f, 1.0f };
  G_GNUC_END_IGNORE_DEPRECATIONS

  self->n_draws++;
  if (self->need_center)
    recenter (self);
  update_offset (self);
  /* The picture moves only when some state would be cut off (never under the pointer). */
  if (!self->dragging && !fits (self, w, h))
    {
      recenter (self);
      update_offset (self);
    }
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));

  /* the grid, as dots every 2 grid units */
  set_rgba (cr, &fg, 0.12);
  for (double x = fmod (self->ox, 2 * NRT_KS_GRID); x < w; x += 2 * NRT_KS_GRID)
    for (double y = fmod (self->oy, 2 * NRT_KS_GRID); y < h; y += 2 * NRT_KS_GRID)
      cairo_rectangle (cr, floor (x) - 0.75, floor (y) - 0.75, 1.5, 1.5);
  cairo_fill (cr);

  if (n_states (self) == 0)
    {
      cairo_destroy (cr);
      return;
    }

  cairo_translate (cr, self->ox, self->oy);
  if (self->dragging && self->drag_state >= 0 && self->tool != NRT_KS_TOOL_SELECT)
    hover = self->drag_state;

  /* transitions under the states */
  cairo_set_line_width (cr, 1.5);
  for (guint t = 0; t < self->trans->len; t++)
    {
      const NrtKsTransition *tr = &g_array_index (self->trans, NrtKsTransition, t);
      gboolean sel = self->sel_item == NRT_KS_ITEM_TRANSITION && self->sel_index == t;
      g_autofree char *label = nrt_ks_transition_label (tr);
      double ax, ay, bx, by, cx, cy;

      if (tr->from >= n_states (self) || tr->to >= n_states (self)
          || !arrow_ends (self, tr->from, tr->to, &ax, &ay, &bx, &by))
        continue;
      /* A moving state drags its arrows with it. */
      if (self->dragging && self->tool == NRT_KS_TOOL_SELECT && self->drag_state >= 0
          && (tr->from == (guint) self->drag_state || tr->to == (guint) self->drag_state))
        {
          double ddx = round ((self->x1 - self->x0) / NRT_KS_GRID) * NRT_KS_GRID;
          double ddy = round ((self->y1 - self->y0) / NRT_KS_GRID) * NRT_KS_GRID;
          if (tr->from == (guint) self->drag_state)
            ax += ddx, ay += ddy;
          else
            bx += ddx, by += ddy;
        }
      if (sel)
        {
          cairo_save (cr);
          set_rgba (cr, &accent, 0.25);
          cairo_set_line_width (cr, 8);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
          cairo_move_to (cr, ax, ay);
          cairo_line_to (cr, bx, by);
          cairo_stroke (cr);
          cairo_restore (cr);
        }
      set_rgba (cr, sel ? &accent : &fg, sel ? 1.0 : 0.8);
      draw_arrow (cr, ax, ay, bx, by);
      cx = (ax + bx) / 2, cy = (ay + by) / 2;
      draw_text (cr, layout, label, cx, cy - 3, 1.0);
    }

  /* states */
  for (guint i = 0; i < n_states (self); i++)
    {
      double x = state_x (self, i), y = state_y (self, i);
      double frac = g_array_index (self->fractions, double, i);
      gboolean sel = self->sel_item == NRT_KS_ITEM_STATE && self->sel_index == i;

      if (self->dragging && self->tool == NRT_KS_TOOL_SELECT && self->drag_state == (int) i)
        {
          x += round ((self->x1 - self->x0) / NRT_KS_GRID) * NRT_KS_GRID;
          y += round ((self->y1 - self->y0) / NRT_KS_GRID) * NRT_KS_GRID;
        }
      rounded_box (cr, x, y, BOX_W, BOX_H, 8);
      /* Open states filled by their share of the conductance; closed ones empty. */
      if (frac > 0)
        {
          set_rgba (cr, &open_bg, 0.15 + 0.55 * CLAMP (frac, 0.0, 1.0));
          cairo_fill_preserve (cr);
        }
      else
        {
          set_rgba (cr, &fg, 0.04);
          cairo_fill_preserve (cr);
        }
      set_rgba (cr, sel || hover == (int) i ? &accent : &fg, sel ? 1.0 : 0.7);
      cairo_set_line_width (cr, sel ? 2.5 : 1.2);
      cairo_stroke (cr);
      set_rgba (cr, &fg, 1.0);
      draw_text (cr, layout, self->names->pdata[i], x, y, 0.5);
    }

  /* the gesture being made: a rubber line for new states and transitions */
  if (self->dragging && self->drag_state >= 0
      && (self->tool == NRT_KS_TOOL_CONNECT || self->tool == NRT_KS_TOOL_ADD_OPEN
          || self->tool == NRT_KS_TOOL_ADD_CLOSED))
    {
      double sx = state_x (self, self->drag_state), sy = state_y (self, self->drag_state);
      double tx = self->x1, ty = self->y1;
      NrtKsItem it = nrt_ks_canvas_pick (self, tx, ty, &hi);

      cairo_save (cr);
      set_rgba (cr, &accent, 0.9);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, (double[]) { 5, 4 }, 2, 0);
      cairo_move_to (cr, sx, sy);
      cairo_line_to (cr, tx, ty);
      cairo_stroke (cr);
      cairo_restore (cr);
      if (self->tool != NRT_KS_TOOL_CONNECT && it != NRT_KS_ITEM_STATE)
        {
          double gx = round (tx / NRT_KS_GRID) * NRT_KS_GRID;
          double gy = round (ty / NRT_KS_GRID) * NRT_KS_GRID;
          rounded_box (cr, gx, gy, BOX_W, BOX_H, 8);
          set_rgba (cr, &accent, 0.6);
          cairo_set_dash (cr, (double[]) { 3, 3 }, 2, 0);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
          draw_text (cr, layout, self->tool == NRT_KS_TOOL_ADD_OPEN ? "O" : "C", gx, gy, 0.5);
        }
    }
  cairo_destroy (cr);
}

static void
nrt_ks_canvas_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                       int *minimum, int *natural, int *minimum_baseline,
                       int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 420 : 220;
}

static void
nrt_ks_canvas_finalize (GObject *object)
{
  NrtKsCanvas *self = NRT_KS_CANVAS (object);

  g_ptr_array_unref (self->names);
  g_array_unref (self->fractions);
  g_array_unref (self->px);
  g_array_unref (self->py);
  g_array_unref (self->trans);
  G_OBJECT_CLASS (nrt_ks_canvas_parent_class)->finalize (object);
}

static void
nrt_ks_canvas_class_init (NrtKsCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = nrt_ks_canvas_finalize;
  widget_class->snapshot = nrt_ks_canvas_snapshot;
  widget_class->measure = nrt_ks_canvas_measure;
  gtk_widget_class_set_css_name (widget_class, "kscanvas");

  /* ::gesture (x0, y0, x1, y1, is_click): a press at (x0, y0) released at (x1, y1), canvas
   * units; the ChannelBuilder acts on it according to the tool. */
  signals[SIGNAL_GESTURE] =
    g_signal_new ("gesture", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 5, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_DOUBLE,
                  G_TYPE_DOUBLE, G_TYPE_BOOLEAN);
}

static void
nrt_ks_canvas_init (NrtKsCanvas *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->names = g_ptr_array_new_with_free_func (g_free);
  self->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  self->px = g_array_new (FALSE, FALSE, sizeof (double));
  self->py = g_array_new (FALSE, FALSE, sizeof (double));
  self->trans = g_array_new (FALSE, FALSE, sizeof (NrtKsTransition));
  self->drag_state = -1;
  self->need_center = TRUE;
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Kinetic scheme", -1);
}

GtkWidget *
nrt_ks_canvas_new (void)
{
  return g_object_new (NRT_TYPE_KS_CANVAS, NULL);
}
