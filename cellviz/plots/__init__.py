"""Pure Plotly figure builders: NumPy in, `go.Figure` out. No Streamlit, no torch.

Usable from a notebook (`fig.show()`, `fig.write_html`). One module per view; the colour conventions and the
helpers every figure shares live in `style`. Figures send float32 arrays; heatmaps with more cells than
pixels are block-averaged (`summaries.downsample`). Texts come from `cellviz.i18n.t`.
"""
from .cell_diagram import DIAGRAMS, cell_diagram
from .at_step import cell_diagram_at
from .compare import (claims_accuracy, claims_grad, claims_gradients, claims_levels, claims_scratch, claims_speed,
                      claims_steps, parameter_counts, row_label)
from . import exploding
from .gradients import grad_axis_title, grad_norm_curves, gradient_norms, input_reach, unit_story
from .over_time import heatmaps_over_time, unit_traces
from .style import (
                    CELL_COLORS,
                    CURSOR,
                    FONT,
                    GATE_SCALE,
                    GRAD_SCALE,
                    LINE_COLORS,
                    MAX_CLICK_POINTS,
                    MAX_HEAT_STEPS,
                    MAX_HEAT_UNITS,
                    QUANTITIES,
                    TANH_SCALE,
                    coloraxis,
                    display_token,
                    is_gate,
                    plotly_text,
                    plotly_token,
                    qname,
)
from .training import intervention_effect, intervention_traces, learning_curves
from .units import feature_match, saturation_bars, token_strip, unit_ranking

__all__ = ["exploding", "DIAGRAMS", "cell_diagram", "cell_diagram_at", "claims_accuracy", "claims_gradients", "claims_steps", "row_label", "parameter_counts",
           "claims_grad", "claims_levels", "claims_scratch", "claims_speed",
           "grad_axis_title", "grad_norm_curves", "gradient_norms", "input_reach", "unit_story", "heatmaps_over_time", "unit_traces",
           "CELL_COLORS", "CURSOR", "FONT", "GATE_SCALE", "GRAD_SCALE", "LINE_COLORS", "MAX_CLICK_POINTS",
           "MAX_HEAT_STEPS", "MAX_HEAT_UNITS", "QUANTITIES", "TANH_SCALE", "coloraxis", "display_token", "is_gate",
           "plotly_text", "plotly_token", "qname", "intervention_effect", "intervention_traces", "learning_curves", "feature_match",
           "saturation_bars", "token_strip", "unit_ranking"]
