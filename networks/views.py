from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from members.models import Province

from .map import STATE_COLOURS, province_shapes
from .models import MoU, NetworkMembership, ProvincialNetwork

MISSING_LABEL = _("No network yet")


class NetworkListView(TemplateView):
    """The map of provinces coloured by the state of their network, and the same as a table."""

    template_name = "networks/network_list.html"

    def get_context_data(self, **kwargs):
        view_box, shapes = province_shapes()
        # The table in the page's alphabetical order (Khmer order of the Khmer names in Khmer).
        provinces = Province.objects.by_name().prefetch_related(
            Prefetch(
                "networks",
                queryset=ProvincialNetwork.objects.prefetch_related(
                    Prefetch("mous", queryset=MoU.objects.with_status(), to_attr="mou_list")
                ),
                to_attr="network_list",
            )
        )
        rows = []
        for province in provinces:
            network = province.network_list[0] if province.network_list else None
            state = network.status if network else "missing"
            rows.append(
                {
                    "province": province,
                    "network": network,
                    "mou": network.mou_list[0] if network and network.mou_list else None,
                    "state": state,
                    "state_label": network.get_status_display() if network else MISSING_LABEL,
                    "colour": STATE_COLOURS[state],
                    "shape": shapes.get(province.code),
                }
            )
        legend = [
            {"label": label, "colour": STATE_COLOURS[value]}
            for value, label in ProvincialNetwork.Status.choices
        ] + [{"label": MISSING_LABEL, "colour": STATE_COLOURS["missing"]}]
        return super().get_context_data(
            rows=rows,
            view_box=view_box,
            legend=legend,
            provinces_without_network=sum(1 for row in rows if row["network"] is None),
            **kwargs,
        )


class NetworkDetailView(DetailView):
    template_name = "networks/network_detail.html"
    context_object_name = "network"

    def get_queryset(self):
        return ProvincialNetwork.objects.select_related("province").prefetch_related(
            Prefetch(
                "memberships",
                queryset=NetworkMembership.objects.select_related("organisation").order_by(
                    "organisation__slug"
                ),
            ),
            Prefetch("mous", queryset=MoU.objects.with_status(), to_attr="mou_list"),
            "support_projects",
        )
