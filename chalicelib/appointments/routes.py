"""Appointments routes: family, clinics, agendas and bookings."""

from __future__ import annotations

from chalicelib.appointments import schemas as appt
from chalicelib.appointments import service as appointments
from chalicelib.auth import Principal
from chalicelib.http import Routes

routes = Routes(__name__, tags=("citas",), roles=("afiliado",))
operator_routes = routes.group(tags=("operadores",), roles=("operador",), duty="servicios")


@routes.route("/v1/family", errors=(404,))
def family(principal: Principal, query: appt.FamilyQuery) -> appt.FamilyOut:
    """Mi núcleo familiar (misma serie de credencial)"""
    return appointments.family(principal, limit=query.limit, cursor=query.cursor)


@routes.route("/v1/clinics", roles=("afiliado", "operador"), duty="servicios", errors=(404,))
def clinics(query: appt.ClinicsQuery, principal: Principal) -> appt.ClinicList:
    """Clínicas con medicina general"""
    return appointments.clinics(principal, query)


@routes.route("/v1/agenda", roles=("afiliado", "operador"), duty="servicios", errors=(404,))
def agenda(query: appt.AgendaQuery, principal: Principal) -> appt.AgendaList:
    """Agendas de una clínica en una fecha, con horarios libres y cupo de internet"""
    return appointments.agenda(principal, query)


@routes.route("/v1/appointments", "POST", status=201, errors=(404, 409))
def book_appointment(principal: Principal, body: appt.BookingIn) -> appt.AppointmentOut:
    """Agendar una cita para mí o un familiar"""
    return appointments.book(principal, body)


@routes.route("/v1/appointments/{appointment_id}", "DELETE", errors=(409,))
def cancel_appointment(principal: Principal, appointment_id: str) -> appt.AppointmentOut:
    """Cancelar una cita (hasta que comience)"""
    return appointments.cancel(principal, appointment_id)


@routes.route("/v1/appointments")
def list_appointments(principal: Principal, query: appt.AppointmentsQuery) -> appt.AppointmentList:
    """Citas próximas o historial de mi núcleo familiar"""
    return appointments.appointments(principal, query)


@operator_routes.route("/v1/operator/clinics", "POST", status=201, errors=(404, 409))
def create_clinic(principal: Principal, body: appt.ClinicIn) -> appt.ClinicOut:
    """Registrar una clínica (UMF)"""
    return appointments.create_clinic(principal, body)


@operator_routes.route("/v1/operator/agendas", "POST", status=201, errors=(404, 409))
def create_agenda(principal: Principal, body: appt.AgendaIn) -> appt.AgendaOut:
    """Cargar la agenda de un médico (fecha, turno, horarios, cupo de internet)"""
    return appointments.create_agenda(principal, body)
