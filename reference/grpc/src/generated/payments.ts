import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type {
  PaymentsServiceClient as _payments_v1_PaymentsServiceClient,
  PaymentsServiceDefinition as _payments_v1_PaymentsServiceDefinition,
} from './payments/v1/PaymentsService.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new (...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  payments: {
    v1: {
      PaymentsService: SubtypeConstructor<typeof grpc.Client, _payments_v1_PaymentsServiceClient> & {
        service: _payments_v1_PaymentsServiceDefinition;
      };
      TransactionRequest: MessageTypeDefinition;
      TransactionResponse: MessageTypeDefinition;
    };
  };
}
