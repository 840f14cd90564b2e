/** The audit tool's engine: what many photos give away together (docs/audit.md). */

export * from './types';
export { auditPhoto, auditInspection } from './photo';
export { AuditSummary } from './summary';
export { loadGazetteer, loadWorld, type Gazetteer, type WorldOutlines, type CountryOutline, type ReadText } from './data';
export { CLUSTER_RADIUS_M } from './places';
export { mapSvg, mapView, worldGroup, type MapView } from './map';
