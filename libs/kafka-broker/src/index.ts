export { EmbeddedBroker, type BrokerOptions } from './broker';
