// STUB: typed MetalLB custom resources (IPAddressPool, L2Advertisement), replaced by the MetalLB model.
import { Model, setValidateFunc } from '@kubernetes-models/base';
import type { ObjectMeta } from '../render/types.ts';

export interface IIPAddressPool {
  apiVersion: 'metallb.io/v1beta1';
  kind: 'IPAddressPool';
  metadata: ObjectMeta;
  spec: { addresses: string[]; autoAssign?: boolean; avoidBuggyIPs?: boolean };
}

export class IPAddressPool extends Model<IIPAddressPool> {
  static apiVersion = 'metallb.io/v1beta1' as const;
  static kind = 'IPAddressPool' as const;
  constructor(data: Omit<IIPAddressPool, 'apiVersion' | 'kind'>) {
    super();
    this.setDefinedProps({ apiVersion: IPAddressPool.apiVersion, kind: IPAddressPool.kind, ...data } as never);
  }
}
setValidateFunc(IPAddressPool as never, (() => true) as never);

export interface IL2Advertisement {
  apiVersion: 'metallb.io/v1beta1';
  kind: 'L2Advertisement';
  metadata: ObjectMeta;
  spec?: { ipAddressPools?: string[]; interfaces?: string[] };
}

export class L2Advertisement extends Model<IL2Advertisement> {
  static apiVersion = 'metallb.io/v1beta1' as const;
  static kind = 'L2Advertisement' as const;
  constructor(data: Omit<IL2Advertisement, 'apiVersion' | 'kind'>) {
    super();
    this.setDefinedProps({ apiVersion: L2Advertisement.apiVersion, kind: L2Advertisement.kind, ...data } as never);
  }
}
setValidateFunc(L2Advertisement as never, (() => true) as never);
