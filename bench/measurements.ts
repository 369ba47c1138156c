import { counterMeasurement } from './counter';
import { ingestMeasurement } from './ingest';
import { Measurement } from './measurement';
import { packMeasurement } from './pack';

/** Every measurement `npm run bench` runs, in this order. A new one is a module in bench/ added here. */
export const MEASUREMENTS: Measurement[] = [ingestMeasurement, counterMeasurement, packMeasurement];
