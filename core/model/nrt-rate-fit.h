/* nrt-rate-fit.h — solves behind the ChannelBuilder's Adjust tool (NEURON's rate editor
 * "Adjust": drag a curve of the rate plot through the pointer).
 *
 * Each function changes one parameter of @rate so that the curve passes through the point
 * (v mV, y) and leaves the others alone; they return FALSE, with @rate unchanged, when no
 * value of that parameter reaches the point (e.g. a k solve at v = d).  A is clamped at 0
 * (a negative rate is refused, as KSChan's parameter check does).  Only KSChan's forms are
 * handled: NRT_RATE_LEMS and NRT_RATE_EXPRESSION rates are refused. */
#pragma once

#include "nrt-channel.h"

G_BEGIN_DECLS

/* Scale: solves A (constant, exp, linoid, sigmoid; K of NRT_RATE_BG_TAU) so that
 * f(v) = y.  For NRT_RATE_BG_INF, whose value does not depend on K, it solves vhalf (d). */
gboolean nrt_rate_fit_scale (NrtRate *rate, double v, double y, double celsius);

/* Slope: solves k with A and d fixed (exp and sigmoid in closed form, linoid by bisection on
 * x = k·(v − d)); for NRT_RATE_BG_INF the valence z, for NRT_RATE_BG_TAU K. */
gboolean nrt_rate_fit_slope (NrtRate *rate, double v, double y, double celsius);

/* The square mark of a curve: TRUE and its position (d, f(d)) for the forms that have one
 * (exp, linoid, sigmoid, Borg-Graham; not constant and not the custom forms). */
gboolean nrt_rate_fit_mark (const NrtRate *rate, double celsius, double *v, double *y);

/* Moving the mark to (v, y): d = v (vhalf for Borg-Graham), then the scale solve keeps the
 * curve through the pointer (for NRT_RATE_BG_INF only d moves: inf(vhalf) is 1/2). */
gboolean nrt_rate_fit_move_mark (NrtRate *rate, double v, double y, double celsius);

G_END_DECLS
