/* nrt-plot.c: the plot widget; its drawing is nrt_plot_render() (nrt-plot-render.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Trace memory policy.  The widget mirrors every live trace of its store (it must: Keep Lines
 * keeps the previous run after the store has been emptied for the next one), reading only
 * what is new on each frame.  A mirror longer than FOLD_LIMIT samples is folded in place:
 * every four consecutive samples become two, their minimum and maximum in time order.  The
 * extremes survive every fold, so the decimated drawing of the whole run is unchanged, and a
 * 24,000,000-step run costs at most 2 × FOLD_LIMIT samples (64 MiB) per trace.  Exports write
 * what the mirror holds: full resolution until the first fold.
 */
#include "nrt-ui-config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "nrt-plot.h"

#define FOLD_LIMIT (1u << 22)
#define READ_CHUNK 65536

_Static_assert (sizeof (GdkRGBA) == 4 * sizeof (float)
                && G_STRUCT_OFFSET (GdkRGBA, alpha) == 3 * sizeof (float),
                "NrtPlotRGBA (nrt-plot-render.h) must match GdkRGBA");

/* ---- the widget ----------------------------------------------------------------------- */

typedef struct {
  char          *label;
  guint          color_index;
  double         x_offset;
  NrtTraceStore *store;        /* NULL for static data */
  guint          id;
  guint64        generation;
  guint64        consumed;     /* samples of the store's trace already mirrored */
  GArray        *t;            /* of double */
  GArray        *y;
} Series;

typedef enum {
  DRAG_NONE,
  DRAG_ZOOM,
  DRAG_PAN,
} DragMode;

struct _NrtPlot
{
  GtkWidget   parent_instance;

  double      x0, x1, y0, y1;
  char       *x_title;
  char       *y_title;
  char       *placeholder;
  GPtrArray  *series;          /* of Series*: live and static */
  GPtrArray  *kept;            /* of Series*: kept lines */
  guint       next_color;
  gboolean    keep_lines;
  guint       tick_id;
  NrtPlotArea area;            /* as last drawn */

  /* crosshair */
  gboolean    pointer_inside;
  double      pointer_x, pointer_y;

  /* drag */
  DragMode    drag_mode;
  double      drag_x, drag_y;  /* start, widget coordinates */
  double      drag_dx, drag_dy;
  double      drag_view[4];
};

G_DEFINE_FINAL_TYPE (NrtPlot, nrt_plot, GTK_TYPE_WIDGET)

enum {
  VIEW_CHANGED,
  KEPT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
series_free (Series *s)
{
  g_free (s->label);
  g_clear_pointer (&s->store, nrt_trace_store_unref);
  g_array_unref (s->t);
  g_array_unref (s->y);
  g_free (s);
}

static Series *
series_new (const char *label,
            guint       color_index,
            double      x_offset)
{
  Series *s = g_new0 (Series, 1);

  s->label = g_strdup (label);
  s->color_index = color_index;
  s->x_offset = x_offset;
  s->t = g_array_new (FALSE, FALSE, sizeof (double));
  s->y = g_array_new (FALSE, FALSE, sizeof (double));
  return s;
}

/* Four samples become two, their min and max in time order (see the top of the file). */
static void
series_fold (Series *s)
{
  double *t = (double *) (gpointer) s->t->data;
  double *y = (double *) (gpointer) s->y->data;
  guint n = s->t->len, out = 0, i;

  for (i = 0; i + 4 <= n; i += 4)
    {
      guint imin = i, imax = i;
      for (guint k = i + 1; k < i + 4; k++)
        {
          if (y[k] < y[imin])
            imin = k;
          if (y[k] > y[imax])
            imax = k;
        }
      guint a = MIN (imin, imax), b = MAX (imin, imax);
      if (a == b)
        b = i + 3;
      t[out] = t[a], y[out] = y[a], out++;
      t[out] = t[b], y[out] = y[b], out++;
    }
  for (; i < n; i++)
    t[out] = t[i], y[out] = y[i], out++;
  g_array_set_size (s->t, out);
  g_array_set_size (s->y, out);
}

static Series *
series_copy_as_kept (const Series *s)
{
  Series *k = series_new (s->label, s->color_index, s->x_offset);

  g_array_append_vals (k->t, s->t->data, s->t->len);
  g_array_append_vals (k->y, s->y->data, s->y->len);
  return k;
}

/* Mirrors what is new in the store.  Returns TRUE when the series changed. */
static gboolean
series_update (NrtPlot *self,
               Series  *s)
{
  g_autofree double *tb = NULL, *yb = NULL;
  guint64 generation, length;
  guint before = s->t->len;
  gboolean changed = FALSE;

  if (s->store == NULL)
    return FALSE;

  generation = nrt_trace_store_get_generation (s->store);
  if (generation != s->generation)
    {
      if (self->keep_lines && s->t->len > 0)
        {
          g_ptr_array_add (self->kept, series_copy_as_kept (s));
          g_signal_emit (self, signals[KEPT_CHANGED], 0);
        }
      changed = s->t->len > 0;
      g_array_set_size (s->t, 0);
      g_array_set_size (s->y, 0);
      s->consumed = 0;
      s->generation = generation;
      before = 0;
    }

  length = nrt_trace_store_get_length (s->store, s->id);
  if (length <= s->consumed)
    return changed;

  tb = g_new (double, READ_CHUNK);
  yb = g_new (double, READ_CHUNK);
  while (s->consumed < length)
    {
      gsize want = (gsize) MIN ((guint64) READ_CHUNK, length - s->consumed);
      gsize got = nrt_trace_store_read (s->store, s->id, s->consumed, want, tb, yb);

      if (got == 0)
        {
          /* Already folded into the store's envelope (we fell far behind): skip it rather
           * than spin; the line shows a gap there. */
          double gap = NAN;
          g_array_append_val (s->t, gap);
          g_array_append_val (s->y, gap);
          s->consumed++;
          continue;
        }
      g_array_append_vals (s->t, tb, got);
      g_array_append_vals (s->y, yb, got);
      s->consumed += got;
    }

  /* A new run began while reading: drop the mixture, the next frame starts over. */
  if (nrt_trace_store_get_generation (s->store) != generation)
    {
      g_array_set_size (s->t, before);
      g_array_set_size (s->y, before);
      return changed;
    }

  while (s->t->len > FOLD_LIMIT)
    series_fold (s);
  return TRUE;
}

gboolean
nrt_plot_update (NrtPlot *self)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (NRT_IS_PLOT (self), FALSE);

  for (guint i = 0; i < self->series->len; i++)
    changed |= series_update (self, g_ptr_array_index (self->series, i));
  return changed;
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  /* Redraw only when the store has something new. */
  if (nrt_plot_update (NRT_PLOT (widget)))
    gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static gboolean
widget_is_dark (GtkWidget *widget)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

/* Fills data from the widget's state; traces must hold n_kept + n_series entries. */
static void
fill_data (NrtPlot      *self,
           gboolean      dark,
           NrtPlotData  *data,
           NrtPlotTrace *traces)
{
  guint n = 0;

  data->x0 = self->x0;
  data->x1 = self->x1;
  data->y0 = self->y0;
  data->y1 = self->y1;
  data->x_title = self->x_title;
  data->y_title = self->y_title;
  data->placeholder = self->placeholder;
  for (int pass = 0; pass < 2; pass++)
    {
      GPtrArray *list = pass == 0 ? self->kept : self->series;
      for (guint i = 0; i < list->len; i++)
        {
          const Series *s = g_ptr_array_index (list, i);
          NrtPlotTrace *t = &traces[n++];

          t->label = s->label;
          nrt_plot_palette_color (s->color_index, dark, &t->color);
          t->kept = pass == 0;
          t->x_offset = s->x_offset;
          t->x = (const double *) (gpointer) s->t->data;
          t->y = (const double *) (gpointer) s->y->data;
          t->n = s->t->len;
        }
    }
  data->traces = traces;
  data->n_traces = n;
  gdk_rgba_parse (&data->accent, dark ? "#78aeed" : "#1c71d8");
}

/* The trace point nearest (in pixels) to the pointer, searched ±12 px either side. */
static gboolean
find_nearest (NrtPlot      *self,
              const NrtPlotData *data,
              double       *x,
              double       *y,
              const Series **which)
{
  const NrtPlotArea *a = &self->area;
  double best = G_MAXDOUBLE;
  double px_per_x = a->width / (self->x1 - self->x0);
  double xdata = self->x0 + (self->pointer_x - a->x) / px_per_x;
  double window = 12 / px_per_x;

  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *s = g_ptr_array_index (self->series, i);
      const double *t = (const double *) (gpointer) s->t->data;
      const double *v = (const double *) (gpointer) s->y->data;
      gsize n = s->t->len;
      gsize j = nrt_plot_lower_bound (t, n, xdata - window - s->x_offset);
      gsize end = nrt_plot_lower_bound (t, n, xdata + window - s->x_offset);

      /* Nothing within the window: the samples on either side. */
      if (j == end)
        {
          j = j > 0 ? j - 1 : 0;
          end = MIN (end + 1, n);
        }
      /* Dense data: stride so the search stays cheap. */
      gsize stride = MAX ((gsize) 1, (end - j) / 4096);
      for (; j < end; j += stride)
        {
          double dx, dy, d;
          if (!isfinite (v[j]))
            continue;
          dx = nrt_plot_to_px (data, a, t[j] + s->x_offset) - self->pointer_x;
          dy = nrt_plot_to_py (data, a, v[j]) - self->pointer_y;
          d = dx * dx + dy * dy;
          if (d < best)
            {
              best = d;
              *x = t[j] + s->x_offset;
              *y = v[j];
              *which = s;
            }
        }
    }
  return best < G_MAXDOUBLE;
}

/* " mV" from "v (mV)": the units of a one-unit axis title, or NULL. */
static char *
units_of (const char *title)
{
  const char *open = title != NULL ? strrchr (title, '(') : NULL;
  const char *close = open != NULL ? strchr (open, ')') : NULL;

  if (close == NULL || close == open + 1 || memchr (open, ' ', close - open) != NULL)
    return NULL;
  return g_strdup_printf (" %.*s", (int) (close - open - 1), open + 1);
}

static void
nrt_plot_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  NrtPlot *self = NRT_PLOT (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean dark = widget_is_dark (widget);
  g_autofree NrtPlotTrace *traces = g_new0 (NrtPlotTrace, self->series->len + self->kept->len + 1);
  g_autofree char *font = NULL;
  g_autofree char *label = NULL;
  NrtPlotData data = { 0 };
  PangoContext *context;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  fill_data (self, dark, &data, traces);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &data.fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  context = gtk_widget_get_pango_context (widget);
  font = pango_font_description_to_string (pango_context_get_font_description (context));
  data.font = font;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  nrt_plot_compute_area (cr, width, height, &data, &self->area);

  if (self->drag_mode == DRAG_ZOOM)
    {
      const NrtPlotArea *a = &self->area;
      data.show_rubber_band = TRUE;
      data.band_x0 = self->x0 + (self->drag_x - a->x) / a->width * (self->x1 - self->x0);
      data.band_x1 = self->x0 + (self->drag_x + self->drag_dx - a->x) / a->width * (self->x1 - self->x0);
      data.band_y0 = self->y1 - (self->drag_y - a->y) / a->height * (self->y1 - self->y0);
      data.band_y1 = self->y1 - (self->drag_y + self->drag_dy - a->y) / a->height * (self->y1 - self->y0);
    }
  else if (self->pointer_inside)
    {
      const Series *which = NULL;
      double x = 0, y = 0;

      if (find_nearest (self, &data, &x, &y, &which))
        {
          data.show_crosshair = TRUE;
          data.cross_x = x;
          data.cross_y = y;
          g_autofree char *units = units_of (self->y_title);
          char value[64];

          g_snprintf (value, sizeof value, "%.5g", y);
          /* TRANSLATORS: the crosshair readout: trace name = value (units), then time */
          label = g_strdup_printf (_("%s = %s%s%s\nt = %.4g ms"), which->label,
                                   value[0] == '-' ? "\u2212" : "",
                                   value[0] == '-' ? value + 1 : value,
                                   units != NULL ? units : "", x);
          data.cross_label = label;
        }
    }

  nrt_plot_render (cr, width, height, &data);
  cairo_destroy (cr);
}

static void
emit_view_changed (NrtPlot *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

static void
emit_kept_changed (NrtPlot *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[KEPT_CHANGED], 0);
}

static void
widget_to_data (NrtPlot *self,
                double   wx,
                double   wy,
                double  *x,
                double  *y)
{
  const NrtPlotArea *a = &self->area;

  *x = self->x0 + (wx - a->x) / MAX (a->width, 1) * (self->x1 - self->x0);
  *y = self->y1 - (wy - a->y) / MAX (a->height, 1) * (self->y1 - self->y0);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           NrtPlot                  *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  double cx, cy;

  if (dy == 0)
    return FALSE;
  widget_to_data (self, self->pointer_x, self->pointer_y, &cx, &cy);
  /* Ctrl zooms y alone, Shift x alone (the x axis is time, the usual thing to stretch). */
  nrt_plot_zoom (self, pow (1.2, -dy), cx, cy,
                 !(mods & GDK_CONTROL_MASK), !(mods & GDK_SHIFT_MASK));
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           NrtPlot                  *self)
{
  const NrtPlotArea *a = &self->area;

  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = x >= a->x && x <= a->x + a->width && y >= a->y && y <= a->y + a->height;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          NrtPlot                  *self)
{
  self->pointer_inside = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               NrtPlot        *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  /* Primary drag draws a zoom rectangle; middle drag, or Ctrl/Shift + primary, pans. */
  if (button == GDK_BUTTON_MIDDLE ||
      (button == GDK_BUTTON_PRIMARY && (mods & (GDK_CONTROL_MASK | GDK_SHIFT_MASK))))
    self->drag_mode = DRAG_PAN;
  else if (button == GDK_BUTTON_PRIMARY)
    self->drag_mode = DRAG_ZOOM;
  else
    {
      self->drag_mode = DRAG_NONE;
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_x = x;
  self->drag_y = y;
  self->drag_dx = self->drag_dy = 0;
  self->drag_view[0] = self->x0;
  self->drag_view[1] = self->x1;
  self->drag_view[2] = self->y0;
  self->drag_view[3] = self->y1;
  if (self->drag_mode == DRAG_PAN)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                NrtPlot        *self)
{
  self->drag_dx = dx;
  self->drag_dy = dy;
  if (self->drag_mode == DRAG_PAN)
    {
      const NrtPlotArea *a = &self->area;
      double sx = dx / MAX (a->width, 1) * (self->drag_view[1] - self->drag_view[0]);
      double sy = dy / MAX (a->height, 1) * (self->drag_view[3] - self->drag_view[2]);
      nrt_plot_set_view (self, self->drag_view[0] - sx, self->drag_view[1] - sx,
                         self->drag_view[2] + sy, self->drag_view[3] + sy);
    }
  else if (self->drag_mode == DRAG_ZOOM)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             NrtPlot        *self)
{
  DragMode mode = self->drag_mode;

  self->drag_mode = DRAG_NONE;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  if (mode == DRAG_ZOOM)
    {
      double ax, ay, bx, by;

      /* A click, or a sliver, is not a zoom. */
      if (fabs (dx) < 5 && fabs (dy) < 5)
        {
          gtk_widget_queue_draw (GTK_WIDGET (self));
          return;
        }
      widget_to_data (self, self->drag_x, self->drag_y, &ax, &ay);
      widget_to_data (self, self->drag_x + dx, self->drag_y + dy, &bx, &by);
      /* A nearly flat rectangle zooms one axis only. */
      if (fabs (dy) < 5)
        ay = self->y0, by = self->y1;
      if (fabs (dx) < 5)
        ax = self->x0, bx = self->x1;
      nrt_plot_set_view (self, MIN (ax, bx), MAX (ax, bx), MIN (ay, by), MAX (ay, by));
    }
}

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  NrtPlot         *self)
{
  if (n_press == 2)
    nrt_plot_view_fit (self);
}

static void
nrt_plot_map (GtkWidget *widget)
{
  NrtPlot *self = NRT_PLOT (widget);

  GTK_WIDGET_CLASS (nrt_plot_parent_class)->map (widget);
  self->tick_id = gtk_widget_add_tick_callback (widget, on_tick, NULL, NULL);
}

static void
nrt_plot_unmap (GtkWidget *widget)
{
  NrtPlot *self = NRT_PLOT (widget);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (widget, self->tick_id);
  self->tick_id = 0;
  GTK_WIDGET_CLASS (nrt_plot_parent_class)->unmap (widget);
}

static void
nrt_plot_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 400;
}

static void
on_dark_changed (NrtPlot *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
nrt_plot_finalize (GObject *object)
{
  NrtPlot *self = NRT_PLOT (object);

  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  g_free (self->x_title);
  g_free (self->y_title);
  g_free (self->placeholder);
  g_ptr_array_unref (self->series);
  g_ptr_array_unref (self->kept);
  G_OBJECT_CLASS (nrt_plot_parent_class)->finalize (object);
}

static void
nrt_plot_class_init (NrtPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = nrt_plot_finalize;
  widget_class->snapshot = nrt_plot_snapshot;
  widget_class->measure = nrt_plot_measure;
  widget_class->map = nrt_plot_map;
  widget_class->unmap = nrt_plot_unmap;

  /**
   * NrtPlot::view-changed:
   *
   * The view (x and y ranges) changed, by the user or by a call.
   */
  signals[VIEW_CHANGED] = g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
  /**
   * NrtPlot::kept-changed:
   *
   * Kept lines were added (a new run with Keep Lines on) or erased.
   */
  signals[KEPT_CHANGED] = g_signal_new ("kept-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
nrt_plot_init (NrtPlot *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  self->x0 = 0;
  self->x1 = 5;
  self->y0 = -80;
  self->y1 = 40;
  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  self->kept = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::dark",
                            G_CALLBACK (on_dark_changed), self);
}

GtkWidget *
nrt_plot_new (void)
{
  return g_object_new (NRT_TYPE_PLOT, NULL);
}

void
nrt_plot_set_view (NrtPlot *self,
                   double   x0,
                   double   x1,
                   double   y0,
                   double   y1)
{
  g_return_if_fail (NRT_IS_PLOT (self));

  if (!(isfinite (x0) && isfinite (x1) && isfinite (y0) && isfinite (y1)) || x1 <= x0 || y1 <= y0)
    return;
  if (x0 == self->x0 && x1 == self->x1 && y0 == self->y0 && y1 == self->y1)
    return;
  self->x0 = x0;
  self->x1 = x1;
  self->y0 = y0;
  self->y1 = y1;
  emit_view_changed (self);
}

void
nrt_plot_point_at (NrtPlot *self,
                   double   x,
                   double   y)
{
  const NrtPlotArea *a;

  g_return_if_fail (NRT_IS_PLOT (self));
  a = &self->area;
  self->pointer_x = a->x + (x - self->x0) / (self->x1 - self->x0) * a->width;
  self->pointer_y = a->y + (self->y1 - y) / (self->y1 - self->y0) * a->height;
  self->pointer_inside = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_plot_get_view (NrtPlot *self,
                   double  *x0,
                   double  *x1,
                   double  *y0,
                   double  *y1)
{
  g_return_if_fail (NRT_IS_PLOT (self));
  if (x0) *x0 = self->x0;
  if (x1) *x1 = self->x1;
  if (y0) *y0 = self->y0;
  if (y1) *y1 = self->y1;
}

void
nrt_plot_view_fit (NrtPlot *self)
{
  double xmin = G_MAXDOUBLE, xmax = -G_MAXDOUBLE, ymin = G_MAXDOUBLE, ymax = -G_MAXDOUBLE;
  double x0, x1, y0, y1;

  g_return_if_fail (NRT_IS_PLOT (self));

  nrt_plot_update (self);
  for (int pass = 0; pass < 2; pass++)
    {
      GPtrArray *list = pass == 0 ? self->kept : self->series;
      for (guint i = 0; i < list->len; i++)
        {
          const Series *s = g_ptr_array_index (list, i);
          for (guint j = 0; j < s->t->len; j++)
            {
              double t = g_array_index (s->t, double, j) + s->x_offset;
              double y = g_array_index (s->y, double, j);
              if (!isfinite (y) || !isfinite (t))
                continue;
              xmin = MIN (xmin, t), xmax = MAX (xmax, t);
              ymin = MIN (ymin, y), ymax = MAX (ymax, y);
            }
        }
    }
  if (xmin > xmax)
    return;
  nrt_plot_fit_range (xmin, xmax, &x0, &x1);
  nrt_plot_fit_range (ymin, ymax, &y0, &y1);
  nrt_plot_set_view (self, x0, x1, y0, y1);
}

void
nrt_plot_zoom (NrtPlot  *self,
               double    factor,
               double    cx,
               double    cy,
               gboolean  zoom_x,
               gboolean  zoom_y)
{
  double x0 = self->x0, x1 = self->x1, y0 = self->y0, y1 = self->y1;

  g_return_if_fail (NRT_IS_PLOT (self));
  g_return_if_fail (factor > 0);

  if (zoom_x)
    {
      x0 = cx - (cx - x0) / factor;
      x1 = cx + (x1 - cx) / factor;
    }
  if (zoom_y)
    {
      y0 = cy - (cy - y0) / factor;
      y1 = cy + (y1 - cy) / factor;
    }
  /* Not below what double precision can tell apart on screen. */
  if (x1 - x0 < 1e-9 * MAX (1, fabs (x0)) || y1 - y0 < 1e-9 * MAX (1, fabs (y0)))
    return;
  nrt_plot_set_view (self, x0, x1, y0, y1);
}

void
nrt_plot_set_axis_titles (NrtPlot    *self,
                          const char *x_title,
                          const char *y_title)
{
  g_return_if_fail (NRT_IS_PLOT (self));
  g_free (self->x_title);
  g_free (self->y_title);
  self->x_title = g_strdup (x_title);
  self->y_title = g_strdup (y_title);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_plot_set_placeholder (NrtPlot    *self,
                          const char *text)
{
  g_return_if_fail (NRT_IS_PLOT (self));
  g_free (self->placeholder);
  self->placeholder = g_strdup (text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
nrt_plot_add_store_trace (NrtPlot       *self,
                          NrtTraceStore *store,
                          guint          id,
                          const char    *label,
                          double         x_offset)
{
  Series *s;

  g_return_val_if_fail (NRT_IS_PLOT (self), 0);
  g_return_val_if_fail (store != NULL, 0);

  s = series_new (label, self->next_color++, x_offset);
  s->store = nrt_trace_store_ref (store);
  s->id = id;
  s->generation = nrt_trace_store_get_generation (store);
  g_ptr_array_add (self->series, s);
  series_update (self, s);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return self->series->len - 1;
}

guint
nrt_plot_add_samples (NrtPlot      *self,
                      const char   *label,
                      const double *x,
                      const double *y,
                      gsize         n,
                      double        x_offset)
{
  Series *s;

  g_return_val_if_fail (NRT_IS_PLOT (self), 0);
  g_return_val_if_fail (n == 0 || (x != NULL && y != NULL), 0);

  s = series_new (label, self->next_color++, x_offset);
  g_array_append_vals (s->t, x, n);
  g_array_append_vals (s->y, y, n);
  g_ptr_array_add (self->series, s);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return self->series->len - 1;
}

void
nrt_plot_remove_trace (NrtPlot *self,
                       guint    index)
{
  g_return_if_fail (NRT_IS_PLOT (self));
  g_return_if_fail (index < self->series->len);
  g_ptr_array_remove_index (self->series, index);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_plot_clear (NrtPlot *self)
{
  g_return_if_fail (NRT_IS_PLOT (self));
  g_ptr_array_set_size (self->series, 0);
  g_ptr_array_set_size (self->kept, 0);
  self->next_color = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
nrt_plot_get_n_traces (NrtPlot *self)
{
  g_return_val_if_fail (NRT_IS_PLOT (self), 0);
  return self->series->len;
}

const char *
nrt_plot_get_trace_label (NrtPlot *self,
                          guint    index)
{
  g_return_val_if_fail (NRT_IS_PLOT (self), NULL);
  g_return_val_if_fail (index < self->series->len, NULL);
  return ((Series *) g_ptr_array_index (self->series, index))->label;
}

gsize
nrt_plot_get_trace_data (NrtPlot       *self,
                         guint          index,
                         const double **t,
                         const double **y)
{
  const Series *s;

  g_return_val_if_fail (NRT_IS_PLOT (self), 0);
  g_return_val_if_fail (index < self->series->len, 0);
  s = g_ptr_array_index (self->series, index);
  if (t) *t = (const double *) (gpointer) s->t->data;
  if (y) *y = (const double *) (gpointer) s->y->data;
  return s->t->len;
}

void
nrt_plot_set_keep_lines (NrtPlot  *self,
                         gboolean  keep)
{
  g_return_if_fail (NRT_IS_PLOT (self));
  self->keep_lines = !!keep;
}

gboolean
nrt_plot_get_keep_lines (NrtPlot *self)
{
  g_return_val_if_fail (NRT_IS_PLOT (self), FALSE);
  return self->keep_lines;
}

void
nrt_plot_erase (NrtPlot *self)
{
  g_return_if_fail (NRT_IS_PLOT (self));
  if (self->kept->len == 0)
    return;
  g_ptr_array_set_size (self->kept, 0);
  emit_kept_changed (self);
}

guint
nrt_plot_get_n_kept (NrtPlot *self)
{
  g_return_val_if_fail (NRT_IS_PLOT (self), 0);
  return self->kept->len;
}

/* What a CSV export needs, copied on the main thread so the writer can run anywhere. */
typedef struct {
  GPtrArray *labels;   /* of char* */
  GPtrArray *t;        /* of GArray* of double */
  GPtrArray *y;
  char      *path;
} CsvJob;

static void
csv_job_free (CsvJob *job)
{
  g_ptr_array_unref (job->labels);
  g_ptr_array_unref (job->t);
  g_ptr_array_unref (job->y);
  g_free (job->path);
  g_free (job);
}

static CsvJob *
csv_job_new (NrtPlot    *self,
             const char *path)
{
  CsvJob *job = g_new0 (CsvJob, 1);

  nrt_plot_update (self);
  job->labels = g_ptr_array_new_with_free_func (g_free);
  job->t = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  job->y = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  job->path = g_strdup (path);
  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *s = g_ptr_array_index (self->series, i);
      g_ptr_array_add (job->labels, g_strdup (s->label != NULL ? s->label : ""));
      g_ptr_array_add (job->t, g_array_copy (s->t));
      g_ptr_array_add (job->y, g_array_copy (s->y));
    }
  return job;
}

static gboolean
csv_job_run (const CsvJob  *job,
             GError       **error)
{
  g_autoptr(GString) csv = g_string_new ("t");
  guint rows = 0, n = job->labels->len;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < n; i++)
    {
      g_string_append_c (csv, ',');
      g_string_append (csv, g_ptr_array_index (job->labels, i));
      rows = MAX (rows, ((GArray *) g_ptr_array_index (job->t, i))->len);
    }
  g_string_append_c (csv, '\n');

  /* The time column is the first trace's recording times (every trace of a session is
   * sampled at the same plot interval); a shorter trace leaves its cells empty. */
  for (guint r = 0; r < rows; r++)
    {
      double t = NAN;

      for (guint i = 0; i < n && !isfinite (t); i++)
        {
          GArray *ti = g_ptr_array_index (job->t, i);
          if (r < ti->len)
            t = g_array_index (ti, double, r);
        }
      g_string_append (csv, g_ascii_formatd (buf, sizeof buf, "%.15g", t));
      for (guint i = 0; i < n; i++)
        {
          GArray *yi = g_ptr_array_index (job->y, i);
          g_string_append_c (csv, ',');
          if (r < yi->len && isfinite (g_array_index (yi, double, r)))
            g_string_append (csv, g_ascii_formatd (buf, sizeof buf, "%.15g",
                                                   g_array_index (yi, double, r)));
        }
      g_string_append_c (csv, '\n');
    }

  /* g_file_set_contents writes a temporary file and renames it over path. */
  return g_file_set_contents (job->path, csv->str, csv->len, error);
}

gboolean
nrt_plot_export_csv (NrtPlot     *self,
                     const char  *path,
                     GError     **error)
{
  CsvJob *job;
  gboolean ok;

  g_return_val_if_fail (NRT_IS_PLOT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  job = csv_job_new (self, path);
  ok = csv_job_run (job, error);
  csv_job_free (job);
  return ok;
}

static void
csv_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GError *error = NULL;

  if (csv_job_run (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
nrt_plot_export_csv_async (NrtPlot             *self,
                           const char          *path,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (NRT_IS_PLOT (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nrt_plot_export_csv_async);
  g_task_set_task_data (task, csv_job_new (self, path), (GDestroyNotify) csv_job_free);
  g_task_run_in_thread (task, csv_thread);
}

gboolean
nrt_plot_export_csv_finish (NrtPlot       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
nrt_plot_export_image (NrtPlot       *self,
                       NrtPlotFormat  format,
                       const char    *path,
                       GError       **error)
{
  g_autofree NrtPlotTrace *traces = NULL;
  NrtPlotData data = { 0 };
  int width, height;

  g_return_val_if_fail (NRT_IS_PLOT (self), FALSE);

  nrt_plot_update (self);
  traces = g_new0 (NrtPlotTrace, self->series->len + self->kept->len + 1);
  /* Exports are for paper and slides: always the light style. */
  fill_data (self, FALSE, &data, traces);
  data.placeholder = NULL;
  data.font = "Sans 10";
  gdk_rgba_parse (&data.fg, "#241f31");
  gdk_rgba_parse (&data.bg, "#ffffff");
  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (width < 200 || height < 150)
    width = 800, height = 500;
  return nrt_plot_write_image (&data, format, width, height, path, error);
}
